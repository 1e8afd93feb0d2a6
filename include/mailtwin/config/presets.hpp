#pragma once
// Provider presets: `provider = "gmail"` under [accounts.X] starts the account's [imap] settings from
// the provider's published values, so a user writes only the address and the password command.
// Every key written under [accounts.X.imap] still overrides the preset's value.
#include <cstdint>
#include <span>
#include <string_view>

#include "mailtwin/config/config.hpp"

namespace mailtwin::config {

struct ProviderPreset {
    Provider provider;
    std::string_view name;  // as written in the config file
    std::string_view host;
    std::uint16_t port;
    Tls tls;
    Auth auth;
};

// Every preset, in the order the documentation lists them.
std::span<const ProviderPreset> provider_presets() noexcept;
const ProviderPreset& preset_for(Provider provider) noexcept;

}  // namespace mailtwin::config
