#pragma once
// Bounds on what the answers of one server may make mailtwin accumulate. The parser bounds one
// response (imap::ParserLimits: line, literal, nesting, response size); these bound what piles up
// over many responses: the folders of one listing, the UIDs of one search, the FETCH responses of one
// command, the untagged data that arrives while mailtwin waits for a tagged completion. Past a limit
// the connection is dropped with an error that names the server and the limit
// (SessionError::limit_exceeded): a server that sends more than this is broken or hostile, and going
// on would only grow memory without end. docs/reliability.md lists them with what a user sees.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailtwin/util/error.hpp"

namespace mailtwin::net {

struct AnswerLimits {
    // LIST / LSUB entries of one listing, and the STATUS answers that go with them.
    std::size_t max_folders = 100'000;
    // UIDs of one folder in one answer: FETCH responses of one command (or pipeline), SEARCH and
    // ESEARCH results, the ranges of VANISHED sets, the changes reported by a QRESYNC SELECT.
    std::size_t max_messages = 2'000'000;
    // Keywords (non-system flags) on one message in a FETCH response.
    std::size_t max_keywords_per_message = 1'000;
    // Entries of one NAMESPACE response (personal, other users' and shared, together).
    std::size_t max_namespaces = 1'000;
    // Atoms of one CAPABILITY list.
    std::size_t max_capabilities = 1'000;
    // Untagged responses of any kind while one command (or one pipeline of commands) runs: a server
    // that floods "* OK ..." or "* 1 EXISTS" would otherwise keep mailtwin reading for ever.
    std::size_t max_untagged = 4'000'000;
    // Bytes of those untagged responses (lines and in-memory literals; message bodies streamed to a
    // Maildir do not count).
    std::uint64_t max_untagged_bytes = std::uint64_t{512} * 1024 * 1024;
};

// The error for a limit passed: "<peer> sent more than <limit> <what> (limit <name>); ...".
util::Error limit_error(const std::string& peer, std::string_view what, std::uint64_t limit, std::string_view name);

}  // namespace mailtwin::net
