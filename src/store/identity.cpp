#include "mailtwin/store/identity.hpp"

#include <algorithm>
#include <string>

#include "mailtwin/maildir/content_hash.hpp"
#include "mailtwin/maildir/message_info.hpp"
#include "mailtwin/maildir/message_start.hpp"

namespace mailtwin::store {
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

std::uint64_t first_8(const std::optional<maildir::Sha256Digest>& d) {
    std::uint64_t h = 0;
    if (d)
        for (int i = 0; i < 8; ++i) h = (h << 8) | (*d)[static_cast<std::size_t>(i)];
    return h;
}

std::uint64_t sha_8(std::string_view material) {
    maildir::Sha256 sha;
    sha.update(material);
    auto full = sha.finish();
    return first_8(full ? std::optional<maildir::Sha256Digest>(*full) : std::nullopt);
}

std::uint64_t header_hash(std::string_view header_block) {
    std::string material;
    if (auto id = maildir::parse_message_id(header_block); id && !id->empty()) {
        material = "id:" + normalise(*id);
    } else {
        // No Message-ID (drafts, some automated mail): what a message says about itself instead.
        for (std::string_view field : {"Date", "From", "Subject"})
            material +=
                std::string(field) + ":" + normalise(maildir::header_value(header_block, field).value_or("")) + "\n";
    }
    return sha_8(material);
}

// The body start in the form the rule hashes: the first k_identity_body_bytes in CRLF form (a bare
// LF counts two), CRs removed, trailing white space stripped.
std::string normalised_body(std::string_view body) {
    std::string out;
    out.reserve(std::min(body.size(), k_identity_body_bytes));
    std::size_t crlf_bytes = 0;
    for (std::size_t i = 0; i < body.size() && crlf_bytes < k_identity_body_bytes; ++i) {
        const char c = body[i];
        if (c == '\n') {
            const bool bare = i == 0 || body[i - 1] != '\r';
            // A bare LF is CR LF in CRLF form: the CR alone may be the last byte that fits.
            crlf_bytes += bare ? 2 : 1;
            if (crlf_bytes <= k_identity_body_bytes) out += '\n';
        } else {
            ++crlf_bytes;
            if (c != '\r') out += c;
        }
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\n')) out.pop_back();
    return out;
}

std::uint64_t body_hash(std::string_view body_start) { return sha_8("body:" + normalised_body(body_start)); }

}  // namespace

model::Identity message_identity(std::string_view header_block, std::string_view body_start) {
    return model::Identity{header_hash(header_block), body_hash(body_start)};
}

model::Identity message_identity(std::string_view message) {
    const std::size_t end = maildir::find_header_end(message);
    if (end == std::string_view::npos) return message_identity(message, std::string_view{});
    return message_identity(message.substr(0, end), message.substr(end));
}

util::Expected<model::Identity> local_identity(const std::filesystem::path& file) {
    // k_identity_body_bytes raw bytes are enough: the CRLF form only grows.
    auto start = maildir::read_message_start(file, k_identity_body_bytes);
    if (!start) return util::unexpected(std::move(start).error());
    return message_identity(start->header(), start->body());
}

}  // namespace mailtwin::store
