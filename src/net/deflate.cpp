#include "mailtwin/net/deflate.hpp"

#include <zlib.h>

#include <array>
#include <cstring>

#include "mailtwin/net/session_error.hpp"

namespace mailtwin::net {
namespace {

constexpr int k_raw_deflate_window = -15;  // RFC 4978 §4: raw deflate, no zlib/gzip header
constexpr std::size_t k_chunk = 64 * 1024;

util::Unexpected zlib_failure(const char* what, int rc, const z_stream& z) {
    return util::unexpected(SessionError::compression_failed,
                            std::string(what) + " failed: " + (z.msg ? z.msg : "zlib error " + std::to_string(rc)));
}

// zlib's API takes non-const input pointers for historical reasons; it never writes through them.
Bytef* input_pointer(std::string_view in) {
    return reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));  // NOLINT
}

}  // namespace

struct Deflater::Impl {
    z_stream z{};
    bool ok = false;
};

Deflater::Deflater() : m_impl(std::make_unique<Impl>()) {
    m_impl->ok = deflateInit2(&m_impl->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, k_raw_deflate_window, 8,
                              Z_DEFAULT_STRATEGY) == Z_OK;
}

Deflater::~Deflater() {
    if (m_impl->ok) deflateEnd(&m_impl->z);
}

util::Expected<void> Deflater::compress(std::string_view in, bool flush, std::string& out) {
    z_stream& z = m_impl->z;
    if (!m_impl->ok) return zlib_failure("deflateInit2", Z_STREAM_ERROR, z);
    z.next_in = input_pointer(in);
    z.avail_in = static_cast<uInt>(in.size());
    std::array<char, k_chunk> buf;
    do {
        z.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.avail_out = static_cast<uInt>(buf.size());
        int rc = deflate(&z, flush ? Z_SYNC_FLUSH : Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_BUF_ERROR) return zlib_failure("deflate", rc, z);
        out.append(buf.data(), buf.size() - z.avail_out);
    } while (z.avail_out == 0 || z.avail_in > 0);
    return {};
}

struct Inflater::Impl {
    z_stream z{};
    bool ok = false;
};

Inflater::Inflater() : m_impl(std::make_unique<Impl>()) {
    m_impl->ok = inflateInit2(&m_impl->z, k_raw_deflate_window) == Z_OK;
}

Inflater::~Inflater() {
    if (m_impl->ok) inflateEnd(&m_impl->z);
}

util::Expected<void> Inflater::decompress(std::string_view in, std::string& out) {
    z_stream& z = m_impl->z;
    if (!m_impl->ok) return zlib_failure("inflateInit2", Z_STREAM_ERROR, z);
    z.next_in = input_pointer(in);
    z.avail_in = static_cast<uInt>(in.size());
    std::array<char, k_chunk> buf;
    while (z.avail_in > 0) {
        z.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.avail_out = static_cast<uInt>(buf.size());
        int rc = inflate(&z, Z_SYNC_FLUSH);
        if (rc == Z_STREAM_END)
            return util::unexpected(SessionError::compression_failed, "the server ended the compressed stream");
        if (rc != Z_OK && rc != Z_BUF_ERROR) return zlib_failure("inflate", rc, z);
        out.append(buf.data(), buf.size() - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_out != 0) break;  // needs more input
    }
    // Output may still be pending inside zlib when the buffer filled exactly: drain it.
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.avail_out = static_cast<uInt>(buf.size());
        int rc = inflate(&z, Z_SYNC_FLUSH);
        if (rc != Z_OK && rc != Z_BUF_ERROR) return zlib_failure("inflate", rc, z);
        out.append(buf.data(), buf.size() - z.avail_out);
        if (z.avail_out != 0) break;
    }
    return {};
}

}  // namespace mailtwin::net
