// Fake source: the executable links sync and util, not net; there is no module bogus.
#include "mailtwin/bogus/thing.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/util/expected.hpp"
