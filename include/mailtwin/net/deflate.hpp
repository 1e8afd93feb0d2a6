#pragma once
// COMPRESS=DEFLATE (RFC 4978): raw deflate (no zlib header, windowBits -15) in both directions.
// Each batch of outgoing bytes ends with a sync flush so the server can act on a command at once.
#include <memory>
#include <string>
#include <string_view>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::net {

class Deflater {
public:
    Deflater();
    ~Deflater();
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    // Compresses `in`, appending to `out`; with `flush`, ends with Z_SYNC_FLUSH.
    util::Expected<void> compress(std::string_view in, bool flush, std::string& out);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

class Inflater {
public:
    Inflater();
    ~Inflater();
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Decompresses all of `in`, appending to `out`. Fails on corrupt input (the connection is dead).
    util::Expected<void> decompress(std::string_view in, std::string& out);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace mailtwin::net
