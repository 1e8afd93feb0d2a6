#pragma once
// What the planner knows about one message on each side. Bodies never reach the planner: it decides
// from ids, flags, sizes, dates and (only when it must match messages) an Identity.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"

namespace mailtwin::model {

// Recognises the same message on both sides when no uid/key pairing tells it (UIDVALIDITY change,
// lost state, a copy whose outcome is unknown). Both fields must be computed the same way on both
// sides: message_id_hash from the normalised Message-ID header (a content hash when there is none),
// size in the RFC822.SIZE form (CRLF line endings), so a Maildir file with LF endings is converted.
struct Identity {
    std::uint64_t message_id_hash = 0;
    std::uint64_t size = 0;

    friend auto operator<=>(const Identity&, const Identity&) = default;
};

struct RemoteMessage {
    Uid uid = 0;
    FlagSet flags;
    std::uint64_t size = 0;         // RFC822.SIZE
    std::int64_t internaldate = 0;  // unix seconds; 0 = unknown
    std::optional<Identity> identity;

    friend bool operator==(const RemoteMessage&, const RemoteMessage&) = default;
};

struct LocalMessage {
    std::string key;  // the Maildir unique part (file name before ":2,")
    FlagSet flags;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;  // unix seconds; becomes the INTERNALDATE of an upload; 0 = unknown
    std::optional<Identity> identity;

    friend bool operator==(const LocalMessage&, const LocalMessage&) = default;
};

}  // namespace mailtwin::model
