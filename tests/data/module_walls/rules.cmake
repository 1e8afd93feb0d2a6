# Rules for tests/data/module_walls/module_deps.cmake: two hold, two are broken, one names no module.
set(MAILTWIN_WALLS "model ONLY util" "report NOT store run" "run NOT report" "ghost ONLY util")
set(MAILTWIN_LIB_WALLS "PkgConfig::libsystemd watch")
