#pragma once
// UIDs, message numbers and UIDVALIDITY are nz-numbers of 32 bits (RFC 3501 §9: 1 to 4294967295).
// The typed decoders refuse a response that breaks this (nullopt), which callers read as "not a
// response of that kind" and skip: a server that sends "UID 0" would then make a folder look empty
// or lose a message's flags without a word. Connection::pipeline asks this check about every
// untagged response and fails the command (SessionError::invalid_uid) on the first such number.
#include <optional>
#include <string>

#include "mailtwin/imap/response.hpp"

namespace mailtwin::net {

// The offending item as the server wrote it ("UID 0", "UIDVALIDITY 0", "SEARCH 4294967296"), or
// nullopt. Looks at FETCH UID items, SEARCH and ESEARCH results, VANISHED sets and the UIDVALIDITY
// response code; STATUS data is left to its decoder (a folder without usable STATUS
// is selected, and the SELECT answer is checked here).
std::optional<std::string> invalid_uid_in(const imap::Response& response);

}  // namespace mailtwin::net
