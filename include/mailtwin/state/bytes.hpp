#pragma once
// Byte layouts for keys and values: big-endian fixed-width integers (so byte order is numeric order
// in LMDB's memcmp ordering), LEB128 varints for counts, and u16-length-prefixed strings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace mailtwin::state {

class ByteWriter {
public:
    void u8(std::uint8_t v) { m_out.push_back(static_cast<char>(v)); }
    void u16(std::uint16_t v) { be(v, 2); }
    void u32(std::uint32_t v) { be(v, 4); }
    void u64(std::uint64_t v) { be(v, 8); }
    void i64(std::int64_t v) { be(static_cast<std::uint64_t>(v), 8); }
    void varint(std::uint64_t v);
    void raw(std::string_view bytes) { m_out.append(bytes); }
    // u16 length + bytes; the caller keeps `s` under 64 KiB (keys are far shorter).
    void str16(std::string_view s);
    // varint length + bytes.
    void bytes(std::string_view s);

    [[nodiscard]] const std::string& data() const noexcept { return m_out; }
    [[nodiscard]] std::string take() noexcept { return std::move(m_out); }

private:
    void be(std::uint64_t v, int width);
    std::string m_out;
};

// Reads a layout; any read past the end sets failed() and returns zeros, so a decoder reads all its
// fields and checks once at the end.
class ByteReader {
public:
    explicit ByteReader(std::string_view in) noexcept : m_in(in) {}

    std::uint8_t u8() { return static_cast<std::uint8_t>(be(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(be(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(be(4)); }
    std::uint64_t u64() { return be(8); }
    std::int64_t i64() { return static_cast<std::int64_t>(be(8)); }
    std::uint64_t varint();
    std::string_view raw(std::size_t n);
    std::string_view str16() { return raw(u16()); }
    std::string_view bytes();

    [[nodiscard]] bool failed() const noexcept { return m_failed; }
    [[nodiscard]] bool at_end() const noexcept { return m_pos == m_in.size(); }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_in.size() - m_pos; }
    [[nodiscard]] std::string_view rest() const noexcept { return m_in.substr(m_pos); }

private:
    std::uint64_t be(std::size_t width);
    std::string_view m_in;
    std::size_t m_pos = 0;
    bool m_failed = false;
};

}  // namespace mailtwin::state
