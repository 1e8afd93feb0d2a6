#pragma once
// Whether the user's locale writes UTF-8, so that output may use characters beyond ASCII (the arrows
// of sync's summary lines); under the C/POSIX locale they would reach the terminal as mojibake.

namespace mailtwin::util {

// True when LC_ALL, else LC_CTYPE, else LANG names a locale whose character set is UTF-8. A locale
// that is named but not installed (LANG=de_DE.UTF-8 in a bare container) counts by its name: the
// terminal still expects what the name says. Reads the environment on each call.
[[nodiscard]] bool locale_uses_utf8();

}  // namespace mailtwin::util
