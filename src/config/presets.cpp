#include "mailtwin/config/presets.hpp"

#include <array>

namespace mailtwin::config {
namespace {

// All implicit TLS on 993, the port each provider documents. Outlook takes only OAuth2 since
// Microsoft turned off basic authentication for IMAP; the others accept an app password.
constexpr std::array<ProviderPreset, 5> k_presets{{
    {Provider::gmail, "gmail", "imap.gmail.com", 993, Tls::implicit, Auth::plain},
    {Provider::outlook, "outlook", "outlook.office365.com", 993, Tls::implicit, Auth::xoauth2},
    {Provider::yahoo, "yahoo", "imap.mail.yahoo.com", 993, Tls::implicit, Auth::plain},
    {Provider::fastmail, "fastmail", "imap.fastmail.com", 993, Tls::implicit, Auth::plain},
    {Provider::icloud, "icloud", "imap.mail.me.com", 993, Tls::implicit, Auth::plain},
}};

}  // namespace

std::span<const ProviderPreset> provider_presets() noexcept { return k_presets; }

const ProviderPreset& preset_for(Provider provider) noexcept {
    for (const auto& p : k_presets)
        if (p.provider == provider) return p;
    return k_presets.front();  // unreachable: every Provider has a row above
}

std::string_view to_string(Provider v) { return preset_for(v).name; }

}  // namespace mailtwin::config
