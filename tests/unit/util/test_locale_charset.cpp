#include "mailtwin/util/locale_charset.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mailtwin::util {
namespace {

// Sets the locale variables for one test and puts back what was there.
class LocaleEnvironment {
public:
    LocaleEnvironment(const char* lc_all, const char* lc_ctype, const char* lang) {
        set("LC_ALL", lc_all);
        set("LC_CTYPE", lc_ctype);
        set("LANG", lang);
    }
    ~LocaleEnvironment() {
        for (const auto& [name, value] : m_saved) value ? ::setenv(name, value->c_str(), 1) : ::unsetenv(name);
    }
    LocaleEnvironment(const LocaleEnvironment&) = delete;
    LocaleEnvironment& operator=(const LocaleEnvironment&) = delete;

private:
    void set(const char* name, const char* value) {
        const char* old = std::getenv(name);
        m_saved.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        value ? ::setenv(name, value, 1) : ::unsetenv(name);
    }
    std::vector<std::pair<const char*, std::optional<std::string>>> m_saved;
};

// locale_uses_utf8() with LC_ALL, LC_CTYPE and LANG set to these (nullptr: unset).
bool utf8_under(const char* lc_all, const char* lc_ctype, const char* lang) {
    const LocaleEnvironment environment(lc_all, lc_ctype, lang);
    return locale_uses_utf8();
}

TEST(LocaleCharset, CAndPosixAreNotUtf8) {
    EXPECT_FALSE(utf8_under("C", nullptr, nullptr));
    EXPECT_FALSE(utf8_under(nullptr, nullptr, "POSIX"));
    EXPECT_FALSE(utf8_under(nullptr, nullptr, nullptr));  // cron, CI
}

TEST(LocaleCharset, CUtf8IsUtf8AndLcAllWins) {
    EXPECT_TRUE(utf8_under("C.UTF-8", nullptr, nullptr));
    EXPECT_TRUE(utf8_under(nullptr, "C.UTF-8", "C"));
    EXPECT_FALSE(utf8_under("C", "C.UTF-8", "C.UTF-8"));
}

TEST(LocaleCharset, ALocaleNotInstalledCountsByItsName) {
    EXPECT_TRUE(utf8_under(nullptr, nullptr, "xx_YY.utf8"));
    EXPECT_FALSE(utf8_under(nullptr, nullptr, "xx_YY.ISO-8859-1"));
}

}  // namespace
}  // namespace mailtwin::util
