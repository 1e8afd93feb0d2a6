#pragma once
// What a server says is checked here before it becomes state: the one place for the rules about
// UIDs and sizes a server reports. A server that breaks one (a bug, a broken proxy, a restored
// replica) is never believed: the folder concerned fails with a message that names the server and
// what it sent, and nothing it claimed is recorded, so the next run looks again.
//
//   FETCH UID        an nz-number of 32 bits (RFC 3501 §9: uniqueid = nz-number; 1 .. 2^32-1)
//   SEARCH UIDs      valid as FETCH UIDs (an answer that is not is never read as "no messages")
//   FETCH UIDs       unique in a folder: two messages (two sequence numbers) with one UID are a
//                    fault, unless an EXPUNGE renumbered the messages in between
//   APPENDUID        the folder's UIDVALIDITY, and new UIDs: each at least the folder's UIDNEXT as
//                    last seen (above every UID known there) and above those appended before it
//   COPYUID          each copy's new UID valid and given once (Session::pipelined_copy)
//   BODY[]           exactly RFC822.SIZE bytes (a shorter body is a truncated message)
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "mailtwin/imap/response.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/util/error.hpp"

namespace mailtwin::net {

// "server 127.0.0.1:143 sent <what> for folder F: <why>; nothing it claimed was recorded; ..."
util::Error server_fault(const std::string& peer, const std::string& folder, const std::string& what);

// For a FETCH response whose UID item is not a valid UID (0, above 2^32-1, not a number): what it
// sent ("UID 0 for message 3"); nullopt for any other response.
std::optional<std::string> invalid_fetch_uid(const imap::Response& response);

// For a SEARCH or ESEARCH response that is not a list of valid UIDs (UID 0, a non-number): what it
// sent. Dropped silently, such an answer would make every message of the folder look expunged.
std::optional<std::string> invalid_search_answer(const imap::Response& response);

// Watches the FETCH and EXPUNGE responses of one command for two messages with one UID.
class UidUniqueness {
public:
    // Call for each FETCH with a UID; returns the fault ("UID 7 for messages 3 and 5") once found.
    std::optional<std::string> saw(std::uint32_t seq, model::Uid uid);
    // An EXPUNGE renumbers the messages after it: sequence numbers seen so far no longer compare.
    void expunged() { m_seq_of.clear(); }

private:
    std::map<model::Uid, std::uint32_t> m_seq_of;
};

// What the UIDs of an APPEND must be (the default checks nothing).
struct AppendExpectation {
    model::UidValidity uidvalidity = 0;  // 0: unknown
    model::Uid first_new_uid = 0;        // the lowest UID a new message may have; 0: unknown
};
// Checks one APPENDUID answer against the expectation and raises first_new_uid past it; on a fault,
// what the server sent and why it cannot be.
std::optional<std::string> check_appended(AppendExpectation& expect, const imap::AppendUid& appended);

// A body of `received` bytes for a message whose RFC822.SIZE is `announced`: the fault, if any.
std::optional<std::string> check_body_size(model::Uid uid, std::uint64_t received, std::uint64_t announced);

}  // namespace mailtwin::net
