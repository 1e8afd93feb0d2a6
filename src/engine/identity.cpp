#include "mailtwin/engine/identity.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "mailtwin/maildir/content_hash.hpp"
#include "mailtwin/maildir/message_info.hpp"

namespace mailtwin::engine {
namespace {

// Whitespace folded to single spaces and trimmed: servers and mail readers re-fold long headers.
std::string normalise(std::string_view v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace

state::MessageIdHash identity_digest(std::string_view header_block) {
    std::string material;
    if (auto id = maildir::parse_message_id(header_block); id && !id->empty()) {
        material = "id:" + normalise(*id);
    } else {
        // No Message-ID (drafts, some automated mail): what a message says about itself instead.
        for (std::string_view field : {"Date", "From", "Subject"})
            material += std::string(field) + ":" + normalise(maildir::header_value(header_block, field).value_or("")) + "\n";
    }
    maildir::Sha256 sha;
    sha.update(material);
    auto full = sha.finish();
    state::MessageIdHash digest{};
    if (full) std::copy_n(full->begin(), digest.size(), digest.begin());
    return digest;
}

model::Identity to_identity(const state::MessageIdHash& digest, std::uint64_t rfc822_size) {
    std::uint64_t h = 0;
    for (int i = 0; i < 8; ++i) h = (h << 8) | digest[static_cast<std::size_t>(i)];
    return model::Identity{h, rfc822_size};
}

state::MessageIdHash to_digest(const model::Identity& identity) {
    state::MessageIdHash digest{};
    for (int i = 0; i < 8; ++i)
        digest[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(identity.message_id_hash >> (56 - 8 * i));
    return digest;
}

util::Expected<LocalIdentity> local_identity(const std::filesystem::path& file) {
    maildir::MessageInfo info(file);
    auto size = info.rfc822_size();
    if (!size) return util::unexpected(std::move(size).error());
    std::ifstream in(file, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    std::size_t end = maildir::find_header_end(head);
    if (end != std::string::npos) head.resize(end);
    return LocalIdentity{identity_digest(head), *size};
}

}  // namespace mailtwin::engine
