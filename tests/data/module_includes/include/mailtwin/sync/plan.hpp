#pragma once
// Fake header: includes only what sync declares.
#include "mailtwin/model/ids.hpp"
