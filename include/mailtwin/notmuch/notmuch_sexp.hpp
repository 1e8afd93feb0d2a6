#pragma once
// Reads the output of `notmuch show --format=sexp --body=false`: threads of nested lists whose
// message property lists carry `:id`, `:filename` (one string, or a list of them since format
// version 3) and `:tags`. Only those three are kept; each message is dropped from memory once read,
// so a first run over 100,000 messages does not hold their headers.
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/util/expected.hpp"

namespace mailtwin::engine {

struct NotmuchMessage {
    std::string id;                  // notmuch's message id: the Message-ID without its angle brackets
    std::vector<std::string> files;  // absolute paths, as notmuch knows them
    std::vector<std::string> tags;
};

// Fails (std::errc::bad_message) on text that is not one well-formed S-expression per thread list.
util::Expected<std::vector<NotmuchMessage>> parse_notmuch_show(std::string_view sexp);

}  // namespace mailtwin::engine
