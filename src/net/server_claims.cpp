#include "mailtwin/net/server_claims.hpp"

#include "mailtwin/net/session_error.hpp"

namespace mailtwin::net {

util::Error server_fault(const std::string& peer, const std::string& folder, const std::string& what) {
    return util::Error{SessionError::protocol_violation,
                       "server " + peer + " sent " + what + " in folder \"" + folder +
                           "\", which cannot be (a server bug or a broken proxy); nothing it claimed there was "
                           "recorded and this folder was not finished: report it to the server's administrator. "
                           "The other folders were synced, and the next run checks this folder again"};
}

std::optional<std::string> invalid_fetch_uid(const imap::Response& r) {
    if (r.data != imap::DataKind::fetch || r.args.size() != 1 || !r.args[0].is_list()) return std::nullopt;
    const auto& items = r.args[0].items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        if (!items[i].is_atom("UID")) continue;
        const imap::Value& v = items[i + 1];
        if (v.nz_number32()) return std::nullopt;
        const std::string message = r.number ? " for message " + std::to_string(*r.number) : std::string();
        const std::string shown = v.kind == imap::ValueKind::atom ? v.text : std::string("a non-number");
        return "UID " + shown + message + " (a UID is a number from 1 to 4294967295)";
    }
    return std::nullopt;
}

std::optional<std::string> invalid_search_answer(const imap::Response& r) {
    if (r.data == imap::DataKind::search) {
        if (imap::decode_search(r)) return std::nullopt;
        for (const auto& v : r.args)
            if (!v.is_list() && !v.nz_number32())
                return "UID " + (v.kind == imap::ValueKind::atom ? v.text : std::string("(not a number)")) +
                       " in a SEARCH answer (a UID is a number from 1 to 4294967295)";
        return std::string("a SEARCH answer that is not a list of UIDs");
    }
    if (r.data == imap::DataKind::esearch && !imap::decode_esearch(r))
        return std::string("an ESEARCH answer that is not a set of UIDs");
    return std::nullopt;
}

std::optional<std::string> UidUniqueness::saw(std::uint32_t seq, model::Uid uid) {
    auto [it, inserted] = m_seq_of.emplace(uid, seq);
    if (inserted || it->second == seq) return std::nullopt;  // the same message again: an update
    return "UID " + std::to_string(uid) + " for two messages (numbers " + std::to_string(it->second) + " and " +
           std::to_string(seq) + ")";
}

std::optional<std::string> check_appended(AppendExpectation& expect, const imap::AppendUid& appended) {
    if (expect.uidvalidity != 0 && appended.uidvalidity != expect.uidvalidity)
        return "APPENDUID " + std::to_string(appended.uidvalidity) + " " + appended.uids.to_string() +
               " while the folder's UIDVALIDITY is " + std::to_string(expect.uidvalidity);
    for (model::Uid uid : appended.uids) {
        if (uid == 0 || uid == imap::UidSet::k_star)
            return "APPENDUID " + appended.uids.to_string() + " (not a UID a new message can have)";
        if (expect.first_new_uid != 0 && uid < expect.first_new_uid)
            return "APPENDUID " + std::to_string(appended.uidvalidity) + " " + std::to_string(uid) +
                   " for a new message, but UID " + std::to_string(uid) +
                   " already exists or existed there (new UIDs start at " + std::to_string(expect.first_new_uid) + ")";
        expect.first_new_uid = uid + 1;
    }
    return std::nullopt;
}

std::optional<std::string> check_body_size(model::Uid uid, std::uint64_t received, std::uint64_t announced) {
    if (received == announced) return std::nullopt;
    return "a body of " + std::to_string(received) + " bytes for UID " + std::to_string(uid) +
           " whose RFC822.SIZE is " + std::to_string(announced) + (received < announced ? " (truncated)" : "");
}

}  // namespace mailtwin::net
