#pragma once
// Identities from IMAP (RFC 3501 §2.3.1.1, RFC 7162): plain integers with names that say what they are.
#include <cstdint>

namespace mailtwin::model {

using Uid = std::uint32_t;          // nz-number; 0 means "none"
using UidValidity = std::uint32_t;  // 0 means "unknown"
using ModSeq = std::uint64_t;       // 0 means "none / NOMODSEQ"

}  // namespace mailtwin::model
