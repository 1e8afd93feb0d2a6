#pragma once
// Path expansion for config values: a leading "~" or "~/" and $VAR / ${VAR} anywhere.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mailtwin::config {

// Returns nullopt and fills `missing_var` when a referenced variable is not set (an error the user
// must see, rather than a path silently resolved against "").
std::optional<std::filesystem::path> expand_path(std::string_view raw, std::string* missing_var = nullptr);

// $XDG_<kind>_HOME or ~/<fallback> ("CONFIG", ".config"), ("STATE", ".local/state").
std::filesystem::path xdg_home(const char* xdg_variable, const char* fallback_below_home);

}  // namespace mailtwin::config
