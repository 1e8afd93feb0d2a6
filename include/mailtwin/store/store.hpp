#pragma once
// The seam between the sync engine and where mail is kept: one open folder of one side.
//
// The engine plans with the three views (server, Maildir, last state) and applies the plan through
// two FolderStores, one per Side, without knowing what is behind them: the executor (run/
// executor.hpp) loops over Side as the planner does, with one flag path, one removal path and one
// copy path (read on one store, write on the other). Moves between folders of one side (run/
// moves.hpp) go through them as well: move() on the source, set_flags() on the target.
// Implementations:
//   ImapStore     (store/imap_store.hpp)     a folder on the server, over net::Session: it owns the
//                 CONDSTORE/QRESYNC/degraded views, STORE grouping, the expunge and trash rules,
//                 APPEND batching and the checks of what the server claims (UIDs, sizes)
//   MaildirStore  (store/maildir_store.hpp)  a Maildir folder: scans, staged delivery, the keyword
//                 file, and the file names as its private cache
//   MemoryStore   (tests/support/memory_store.hpp)  either side in memory, with fault injection
//
// Conventions, for every operation:
//  - Ids: a message is named by a MessageId; each store reads its own half (the server store the
//    UID, the Maildir store the key) and ignores the other. Ids a store hands back (views, writes)
//    are of that half too.
//  - Results are util::Expected. An error means the operation may have been done in part: the
//    caller records nothing of it, and the next run sees what was done in the views. No operation
//    throws.
//  - Idempotence: set_flags, remove, describe, read, view, message_ids and find_arrived may be
//    repeated with the same effect. The writes of writer() are not: a message written twice is there
//    twice. What makes that safe is the caller's intent row (traits().write_needs_committed_intent).
//    Nor is move(): a message moved is no longer here to be moved again.
//  - Ownership: arguments are borrowed for the duration of the call; results are owned by the
//    caller. A store keeps no reference to a caller's data after a call returns.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/model/flags.hpp"
#include "mailtwin/model/ids.hpp"
#include "mailtwin/model/message.hpp"
#include "mailtwin/model/snapshot.hpp"
#include "mailtwin/net/asio.hpp"
#include "mailtwin/util/expected.hpp"
#include "mailtwin/util/side.hpp"

namespace mailtwin::store {

namespace asio = boost::asio;

// One message on one store: the server store reads `uid`, the Maildir store `key`.
struct MessageId {
    model::Uid uid = 0;
    std::string key;
    friend bool operator==(const MessageId&, const MessageId&) = default;
};

// What the last sync left of the folder on this store, and what the next one starts from. Each
// store reads and writes only its own half; the engine keeps both in the folder's state record.
struct Checkpoint {
    // server
    model::UidValidity uidvalidity = 0;
    model::ModSeq highestmodseq = 0;
    model::Uid uidnext = 0;
    std::uint32_t messages = 0;              // EXISTS as the view saw it
    std::vector<model::Uid> skipped_remote;  // UIDs max_size kept back (they have no state row)
    // Maildir: the scan stamp of new/ and cur/ (maildir/stamp.hpp), opaque to everyone else
    std::string local_stamp;
};

struct ViewRequest {
    const model::FolderState* rows = nullptr;  // the last sync's rows (never null)
    const Checkpoint* last = nullptr;          // null: the folder was never synced
    bool full = false;                         // ignore the checkpoint: list everything
};

// Both halves of the planner's input; a store fills only its own.
struct FolderViews {
    model::RemoteView remote;
    model::LocalView local;
};

// A change of flags on this store. `now` is the flags the message has there as viewed (or as the
// state last recorded them when the view did not list it): a store that writes whole flag sets
// (Maildir file names) writes applied(now, add, remove); one that applies changes (IMAP STORE) uses
// add and remove only.
struct FlagChange {
    MessageId id;
    model::FlagSet add;
    model::FlagSet remove;
    model::FlagSet now;
};

// A message to remove from this store. `marked_here`: it was marked \Deleted on this store by
// someone else (sync::Expunge::server_marked); the server store then expunges it even when
// deletions go to a trash folder.
struct Removal {
    MessageId id;
    bool marked_here = false;
};

// What a copy needs to know of a message before reading it: the identity that finds the copy after
// a crash, and its size as the copy counts it (CRLF line ends, as RFC822.SIZE). `not_carried` is
// set (and the rest meaningless) when the message cannot be read: why, naming the message.
struct Described {
    std::optional<model::Identity> identity;
    std::uint64_t size = 0;
    std::string not_carried;
};

// The receiving half of a copy: a reading store hands it the messages it reads, each as
// begin() data... end(i), where i indexes the ids given to read() (which message it was is known
// only at its end: an IMAP FETCH may name the UID after the body). Calls are synchronous. A message
// that fails on the way (short, or not the size the store announced) never reaches end(): the next
// begin() or the writer's finish() drops it.
class MessageSink {
public:
    virtual ~MessageSink() = default;
    // A message begins; `size` is its length as the reading store counts it.
    virtual void begin(std::uint64_t size) = 0;
    virtual void data(std::string_view chunk) = 0;
    // Every byte of the message was given, and it is ids[index] of the read.
    virtual void end(std::size_t index) = 0;
    // A store that reads files offers each file first: a sink that reads files itself takes it
    // (no begin/data/end follow for that message) and returns true. `size` is as in begin().
    virtual bool take_file(std::size_t /*index*/, const std::filesystem::path& /*file*/, std::uint64_t /*size*/) {
        return false;
    }
    // Awaited by a reading store after each message where it can wait (a Maildir read can; a
    // streamed FETCH cannot): a writer with a full batch writes it here.
    virtual asio::awaitable<util::Expected<void>> pause() { co_return util::Expected<void>{}; }
};

// A message a writer is about to receive: what the new copy gets.
struct Outgoing {
    model::FlagSet flags;           // the flags the new copy is given
    std::int64_t internaldate = 0;  // unix seconds; 0: none known (the store picks its own)
    std::uint64_t size = 0;         // as the reading store counts it (Described::size)
};

// A copy made durable: index into the writer's messages, its new id, the flags this store holds on
// it (the server may have dropped some of those sent), and the bytes stored.
struct Written {
    std::size_t index = 0;
    MessageId id;
    model::FlagSet flags_held;
    std::uint64_t bytes = 0;
};

// Writes the messages a reading store hands it. Durable in batches: after each batch, on_written
// is called with the copies that batch made durable and whose new id is known. A message written
// but never reported there is in doubt (a server without UIDPLUS that could not find its UID, a
// run killed mid-batch): the caller's intent row lets the next run find it by identity.
class Writer : public MessageSink {
public:
    using WrittenFn = std::function<util::Expected<void>(std::vector<Written>)>;
    using ProgressFn = std::function<void(std::uint64_t messages, std::uint64_t bytes)>;
    // Writes what is still pending; errors of earlier batches (and of on_written) come out here.
    virtual asio::awaitable<util::Expected<void>> finish() = 0;
};

// What a read could not deliver, beyond an error of the whole read.
struct ReadReport {
    std::vector<std::string> not_carried;  // messages that could not be read, each naming it and why
    // A claim of the store that cannot be (a body of another size than announced): that message was
    // not delivered, and the folder fails with this error (net/server_claims.hpp).
    std::optional<util::Error> fault;
};

class FolderStore;

// Messages of this folder to move into another folder of the same side: `target` is a store of the
// same kind (two ImapStores of one session, two MaildirStores, two MemoryStores), never this one.
struct MoveGroup {
    FolderStore* target = nullptr;
    std::vector<MessageId> ids;
};

// Where moved messages are now, by position: moved[g][i] is groups[g].ids[i] in groups[g].target,
// an id of the store's own half; nullopt when the move did not tell (a server without COPYUID).
using MovedIds = std::vector<std::vector<std::optional<MessageId>>>;

struct Traits {
    // A write that was interrupted may still complete later, unseen by the writer (an APPEND sent
    // but not answered): the copy's intent row must be committed before the write, so that the next
    // run watches for the late copy (run/late_appends.hpp) instead of copying again.
    bool write_needs_committed_intent = false;
    // The flags a new copy holds are known only once written (a server may drop some): the intent
    // row then records none for this side, so that a dropped flag never reads as a removal.
    bool flags_known_only_after_write = false;
};

class FolderStore {
public:
    virtual ~FolderStore() = default;
    [[nodiscard]] virtual util::Side side() const noexcept = 0;
    [[nodiscard]] virtual Traits traits() const noexcept = 0;

    // Fills this store's half of `views` at a cost that grows with change: unchanged since the
    // checkpoint costs (next to) nothing. Identities are filled for the messages the checkpoint does
    // not know where the store gets them cheaply (the server: in the FETCH of new messages).
    virtual asio::awaitable<util::Expected<void>> view(FolderViews& views, const ViewRequest& request) = 0;
    // The identity of each message, in the order of `ids` (nullopt: gone since the view). Reads as
    // little as the identity needs (a few header fields and the start of the body).
    virtual asio::awaitable<util::Expected<std::vector<std::optional<model::Identity>>>> identify(
        const std::vector<MessageId>& ids) = 0;
    // What a copy needs to know of each message before it reads it, in the order of `ids`.
    virtual asio::awaitable<util::Expected<std::vector<Described>>> describe(const std::vector<MessageId>& ids) = 0;
    // What the next view starts from, as this store's view saw the folder (before this run's writes:
    // changes others make meanwhile must show up next time).
    [[nodiscard]] virtual Checkpoint checkpoint() const = 0;
    // Drops what the store cached of messages other than `named` (every folder of a run is planned
    // before any executes; keeping all views costs memory). `rows`: the state rows still named. The
    // views are not touched.
    virtual void retain(const std::vector<MessageId>& named, const model::FolderState& rows) = 0;

    // Sets flags; returns how many messages it changed. Grouping is the store's (one STORE per
    // distinct add/remove set; one directory sync for all renames).
    virtual asio::awaitable<util::Expected<std::size_t>> set_flags(const std::vector<FlagChange>& changes) = 0;
    // Removes the messages (the server store: moved to the trash folder when one is configured,
    // else expunged).
    virtual asio::awaitable<util::Expected<void>> remove(const std::vector<Removal>& removals) = 0;
    // Reads the messages into `sink`, in any order, each at most once.
    virtual asio::awaitable<util::Expected<ReadReport>> read(const std::vector<MessageId>& ids, MessageSink& sink) = 0;
    // A writer of `messages` (indexed as the reader's ids). Not idempotent: see Traits.
    virtual std::unique_ptr<Writer> writer(std::vector<Outgoing> messages, Writer::WrittenFn on_written,
                                           Writer::ProgressFn on_progress) = 0;

    // --- Moves between folders of one side (run/moves.hpp) ---
    // Moves the messages to their groups' targets, keeping each message's flags (a Maildir file keeps
    // its name: its key, and its letters as this folder's keyword file maps them, so the caller's
    // set_flags on the target writes them with the target's). The server store SELECTs this folder
    // once and sends every group's UID MOVE in one pipeline. Not idempotent: what was moved is gone
    // from here (a repeat fails, or finds nothing to move). An error: some groups may have moved.
    virtual asio::awaitable<util::Expected<MovedIds>> move(const std::vector<MoveGroup>& groups) = 0;
    // The Message-ID header field of each message, in the order of `ids` (nullopt: it has none, or it
    // is gone since the view). Reads the header fields only.
    virtual asio::awaitable<util::Expected<std::vector<std::optional<std::string>>>> message_ids(
        const std::vector<MessageId>& ids) = 0;
    // The messages moved into this folder whose new id their move did not tell: for each Message-ID,
    // the one message carrying it that is newer than everything the view and the state knew here;
    // nullopt when there is none or several (the next view pairs that copy by identity). A store
    // whose moves always tell finds nothing. The server store: one UID SEARCH per Message-ID.
    virtual asio::awaitable<util::Expected<std::vector<std::optional<MessageId>>>> find_arrived(
        const std::vector<std::string>& message_ids) = 0;
};

}  // namespace mailtwin::store
