#include <iostream>
int main() { std::cout << "mailtwin " MAILTWIN_VERSION "\n"; return 0; }
