// libFuzzer target for the config loader (config::load_string) and check-config's renderer. A config
// file is user input: whatever its bytes, loading must either return a validated Config or throw
// ConfigError with a "file:line:column" style message — never another exception, a crash, or UB
// (ASan/UBSan). A config that loads must also render (check-config) and, where it holds a password,
// the rendering must mask it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "mailtwin/config/loader.hpp"
#include "mailtwin/config/render.hpp"

using namespace mailtwin::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const Config cfg = load_string(text, "fuzz.toml");
        if (cfg.accounts.empty()) std::abort();  // the loader promises at least one account
        const std::string shown = render_resolved(cfg);
        for (const auto& a : cfg.accounts) {
            if (a.imap.host.empty() && a.imap.user.empty() && a.maildir.empty()) continue;
            if (!a.imap.password && !a.imap.password_cmd) std::abort();  // one of the two is required
            // The password line is masked. (The secret itself may legitimately occur elsewhere in the
            // output, e.g. as part of a path, so only the line that renders it is checked.)
            if (a.imap.password && shown.find("password = \"********\"") == std::string::npos) std::abort();
            if (a.imap.password && !a.imap.password->empty() && a.imap.password != "********" &&
                shown.find("password = \"" + *a.imap.password + "\"") != std::string::npos)
                std::abort();
        }
    } catch (const ConfigError& e) {
        if (std::string_view(e.what()).rfind("fuzz.toml", 0) != 0) std::abort();  // messages name the file
    }
    // Anything else escaping load_string (std::bad_alloc aside) terminates: libFuzzer reports it.
    return 0;
}

// The libraries are built with recoverable UBSan checks; a fuzz run must stop at the first report.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }
