#include "mailtwin/util/locale_charset.hpp"

#include <langinfo.h>
#include <locale.h>

#include <cstdlib>
#include <string_view>

#include "mailtwin/util/ascii.hpp"

namespace mailtwin::util {
namespace {

// The locale name the C library would use for LC_CTYPE: the first of these that is set and not empty.
std::string_view ctype_locale_name() {
    for (const char* variable : {"LC_ALL", "LC_CTYPE", "LANG"})
        if (const char* value = std::getenv(variable); value && *value) return value;
    return "C";
}

bool names_utf8(std::string_view locale_name) {
    for (std::size_t i = 0; i < locale_name.size(); ++i) {
        const auto rest = locale_name.substr(i);
        if (istarts_with(rest, "UTF-8") || istarts_with(rest, "UTF8")) return true;
    }
    return false;
}

}  // namespace

bool locale_uses_utf8() {
    // newlocale + nl_langinfo_l ask what setlocale(LC_CTYPE, "") + nl_langinfo(CODESET) would say,
    // without changing the process's locale under the other threads (the resolver's, for one).
    if (locale_t ctype = ::newlocale(LC_CTYPE_MASK, "", static_cast<locale_t>(nullptr))) {
        const bool utf8 = std::string_view(::nl_langinfo_l(CODESET, ctype)) == "UTF-8";
        ::freelocale(ctype);
        return utf8;
    }
    return names_utf8(ctype_locale_name());
}

}  // namespace mailtwin::util
