// Fake source for the module_includes_catches_violations test: sync declares DEPS util model, so
// its own headers, util's and model's are allowed (either include form) and net's is not.
#include "mailtwin/sync/plan.hpp"

#include <string>

#include <mailtwin/model/ids.hpp>

#include "mailtwin/util/expected.hpp"
// #include "mailtwin/net/commented_out.hpp" is not an include.

#include "mailtwin/net/session.hpp"
