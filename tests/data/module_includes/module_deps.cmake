# The fake tree's declarations, in the form mailtwin_write_module_deps writes for the real one.
set(MAILTWIN_MODULES util model net sync app)
set(MAILTWIN_DEPS_util )
set(MAILTWIN_DEPS_model util)
set(MAILTWIN_DEPS_net util Boost::boost)
set(MAILTWIN_DEPS_sync util model)
set(MAILTWIN_DEPS_app "mailtwin_sync;mailtwin_util;Boost::program_options")
