#pragma once
// Fake header: net declares DEPS util, so sync's header is a violation here too.
#include "mailtwin/sync/plan.hpp"
#include "mailtwin/util/expected.hpp"
