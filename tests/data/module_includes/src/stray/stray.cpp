// Fake source in a folder no module is declared for.
int stray = 0;
