#pragma once
// SHA-256 over bytes fed in chunks (OpenSSL EVP): the content hash that identifies a message when
// UIDs cannot (UIDVALIDITY change, lost state, APPEND intents).
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::maildir {

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
public:
    Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    ~Sha256();

    void update(std::string_view chunk);
    // The digest of everything fed so far; the object is finished afterwards.
    util::Expected<Sha256Digest> finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Lower-case hex, 64 characters.
std::string to_hex(const Sha256Digest& digest);

// SHA-256 of a file's bytes, read in chunks.
util::Expected<Sha256Digest> hash_file(const std::filesystem::path& path);

}  // namespace mailtwin::maildir
