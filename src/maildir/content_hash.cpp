#include "mailtwin/maildir/content_hash.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>

#include "mailtwin/maildir/error.hpp"
#include "sys.hpp"

namespace mailtwin::maildir {

struct Sha256::Impl {
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
    bool ok = false;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
    m_impl->ok = m_impl->ctx && EVP_DigestInit_ex(m_impl->ctx.get(), EVP_sha256(), nullptr) == 1;
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::update(std::string_view chunk) {
    if (m_impl && m_impl->ok && !chunk.empty())
        m_impl->ok = EVP_DigestUpdate(m_impl->ctx.get(), chunk.data(), chunk.size()) == 1;
}

util::Expected<Sha256Digest> Sha256::finish() {
    Sha256Digest out{};
    unsigned int len = 0;
    const bool ok =
        m_impl && m_impl->ok && EVP_DigestFinal_ex(m_impl->ctx.get(), out.data(), &len) == 1 && len == out.size();
    if (m_impl) m_impl->ok = false;
    if (!ok)
        return util::unexpected(make_error(Errc::hash_failure,
                                           "SHA-256 failed in OpenSSL; check the OpenSSL "
                                           "installation (is SHA-256 disabled by policy?)"));
    return out;
}

std::string to_hex(const Sha256Digest& digest) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (auto b : digest) {
        out += k_hex[b >> 4];
        out += k_hex[b & 0xF];
    }
    return out;
}

util::Expected<Sha256Digest> hash_file(const std::filesystem::path& path) {
    sys::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return util::unexpected(
            sys::errno_error(errno, "cannot open", path, "it may have been moved; rescan the folder"));
    Sha256 hash;
    char buf[64 * 1024];
    for (;;) {
        const auto n = ::read(fd.get(), buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            return util::unexpected(sys::errno_error(errno, "cannot read", path, "check the disk"));
        }
        hash.update(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    return hash.finish();
}

}  // namespace mailtwin::maildir
