#include "mailtwin/state/bytes.hpp"

namespace mailtwin::state {

void ByteWriter::be(std::uint64_t v, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) m_out.push_back(static_cast<char>((v >> shift) & 0xFFU));
}

void ByteWriter::varint(std::uint64_t v) {
    while (v >= 0x80U) {
        m_out.push_back(static_cast<char>((v & 0x7FU) | 0x80U));
        v >>= 7;
    }
    m_out.push_back(static_cast<char>(v));
}

void ByteWriter::str16(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    raw(s);
}

void ByteWriter::bytes(std::string_view s) {
    varint(s.size());
    raw(s);
}

std::uint64_t ByteReader::be(std::size_t width) {
    if (m_failed || remaining() < width) {
        m_failed = true;
        return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(m_in[m_pos + i]);
    m_pos += width;
    return v;
}

std::uint64_t ByteReader::varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (m_failed || at_end()) break;
        const auto b = static_cast<unsigned char>(m_in[m_pos++]);
        v |= static_cast<std::uint64_t>(b & 0x7FU) << shift;
        if ((b & 0x80U) == 0) return v;
    }
    m_failed = true;
    return 0;
}

std::string_view ByteReader::raw(std::size_t n) {
    if (m_failed || remaining() < n) {
        m_failed = true;
        return {};
    }
    std::string_view out = m_in.substr(m_pos, n);
    m_pos += n;
    return out;
}

std::string_view ByteReader::bytes() {
    const std::uint64_t n = varint();
    if (m_failed || n > remaining()) {
        m_failed = true;
        return {};
    }
    return raw(static_cast<std::size_t>(n));
}

}  // namespace mailtwin::state
