#pragma once
// What a server announced in CAPABILITY, and the decisions mailtwin derives from it.
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mailtwin::imap {

class Capabilities {
public:
    Capabilities() = default;
    explicit Capabilities(const std::vector<std::string>& names);

    // Case-insensitive, exact name ("CONDSTORE", "AUTH=PLAIN", "COMPRESS=DEFLATE").
    [[nodiscard]] bool has(std::string_view name) const;
    [[nodiscard]] bool empty() const noexcept { return m_names.empty(); }
    [[nodiscard]] std::string to_string() const;  // space-separated, upper case, sorted

    [[nodiscard]] bool condstore() const { return has("CONDSTORE") || has("QRESYNC"); }  // QRESYNC implies it
    [[nodiscard]] bool qresync() const { return has("QRESYNC"); }
    [[nodiscard]] bool move() const { return has("MOVE"); }
    [[nodiscard]] bool uidplus() const { return has("UIDPLUS"); }
    [[nodiscard]] bool literal_plus() const { return has("LITERAL+"); }
    [[nodiscard]] bool literal_minus() const { return has("LITERAL-"); }
    [[nodiscard]] bool list_status() const { return has("LIST-STATUS"); }
    [[nodiscard]] bool esearch() const { return has("ESEARCH"); }
    [[nodiscard]] bool multiappend() const { return has("MULTIAPPEND"); }
    [[nodiscard]] bool sasl_ir() const { return has("SASL-IR"); }
    [[nodiscard]] bool idle() const { return has("IDLE"); }
    [[nodiscard]] bool notify() const { return has("NOTIFY"); }
    [[nodiscard]] bool compress_deflate() const { return has("COMPRESS=DEFLATE"); }
    [[nodiscard]] bool utf8_accept() const { return has("UTF8=ACCEPT") || has("UTF8=ONLY"); }
    [[nodiscard]] bool enable() const { return has("ENABLE"); }
    [[nodiscard]] bool id() const { return has("ID"); }
    [[nodiscard]] bool namespace_() const { return has("NAMESPACE"); }
    [[nodiscard]] bool special_use() const { return has("SPECIAL-USE"); }
    [[nodiscard]] bool binary() const { return has("BINARY"); }
    [[nodiscard]] bool objectid() const { return has("OBJECTID"); }  // RFC 8474: MAILBOXID, EMAILID
    [[nodiscard]] bool starttls() const { return has("STARTTLS"); }
    [[nodiscard]] bool login_disabled() const { return has("LOGINDISABLED"); }
    [[nodiscard]] bool auth(std::string_view mechanism) const;

private:
    std::set<std::string> m_names;  // upper-cased
};

}  // namespace mailtwin::imap
