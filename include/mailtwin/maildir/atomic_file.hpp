#pragma once
// Replaces a small file whole: the text goes to "<path>.mailtwin-tmp", is fsynced, and is renamed over
// `path`, so that a reader sees the old file or the new one, never half of one.
#include <filesystem>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

util::Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace mailtwin::maildir
