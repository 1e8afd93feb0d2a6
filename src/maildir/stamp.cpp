#include "mailtwin/maildir/stamp.hpp"

namespace mailtwin::maildir {
namespace {

constexpr std::size_t k_encoded_size = 1 + 8 * 8 + 1;

void put(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFFu);
}

std::uint64_t get(std::string_view& in) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= std::uint64_t{static_cast<unsigned char>(in[static_cast<std::size_t>(i)])} << (8 * i);
    in.remove_prefix(8);
    return v;
}

void put_dir(std::string& out, const DirStamp& d) {
    put(out, static_cast<std::uint64_t>(d.mtime_ns));
    put(out, d.size);
    put(out, d.inode);
    put(out, d.device);
}

DirStamp get_dir(std::string_view& in) {
    DirStamp d;
    d.mtime_ns = static_cast<std::int64_t>(get(in));
    d.size = get(in);
    d.inode = get(in);
    d.device = get(in);
    return d;
}

}  // namespace

std::string encode_stamp(const FolderStamp& stamp) {
    std::string out;
    out.reserve(k_encoded_size);
    out += static_cast<char>(k_stamp_version);
    put_dir(out, stamp.new_dir);
    put_dir(out, stamp.cur_dir);
    out += static_cast<char>(stamp.racy ? 1 : 0);
    return out;
}

std::optional<FolderStamp> decode_stamp(std::string_view blob) {
    if (blob.size() != k_encoded_size || static_cast<std::uint8_t>(blob[0]) != k_stamp_version) return std::nullopt;
    blob.remove_prefix(1);
    FolderStamp s;
    s.new_dir = get_dir(blob);
    s.cur_dir = get_dir(blob);
    if (blob[0] != 0 && blob[0] != 1) return std::nullopt;
    s.racy = blob[0] == 1;
    return s;
}

}  // namespace mailtwin::maildir
