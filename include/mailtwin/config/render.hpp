#pragma once
// The resolved settings as TOML-like text for `mailtwin check-config`, with secrets masked.
#include <string>

#include "mailtwin/config/config.hpp"

namespace mailtwin::config {

std::string render_resolved(const Config& config);

}  // namespace mailtwin::config
