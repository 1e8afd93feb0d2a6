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
// lost state, a copy whose outcome is unknown, a move). Computed the same way on both sides by
// store/identity.hpp, which defines the rule: a hash of the normalised Message-ID (Date + From +
// Subject when there is none) and a hash of the normalised start of the body. Equal only if both are.
struct Identity {
    std::uint64_t message_id_hash = 0;
    std::uint64_t body_hash = 0;

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
