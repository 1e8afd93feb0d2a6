#pragma once
// MemoryStore: a FolderStore (store/store.hpp) of either side kept in memory, for tests of the engine
// without a server or a Maildir. It keeps what the real stores report and nothing more:
//   remote  UIDs from UIDNEXT, UIDVALIDITY, a mod-sequence per message and HIGHESTMODSEQ, and a log
//           of expunged UIDs, so that view() gives a full view, or the changes since the checkpoint's
//           mod-sequence with the UIDs vanished since (model/snapshot.hpp, RemoteView)
//   local   keys, and a change counter as the scan stamp: view() is `unchanged` when nothing was
//           changed since the checkpoint's stamp
// Identities are computed from the bytes by the real rule (store/identity.hpp), sizes counted as
// IMAP counts them (every bare LF as CRLF) on both sides.
//
// Tests drive it from two ends: the engine through the FolderStore interface, and the test as
// another client or mail reader would (add, change_flags, erase, reset_uidvalidity), looking at the
// result with messages().
//
// Fault injection, as Beast's fail_count: fail_after(n) makes the n-th store operation from then on
// fail once. Operations counted: every call of view, identify, describe, set_flags, remove, read, move,
// message_ids and find_arrived, and every message a writer makes durable. Two stores may share one counter
// (share_faults_with), so that "the n-th operation" counts across both sides of a sync.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailtwin/model/storable_flags.hpp"
#include "mailtwin/store/store.hpp"

namespace mailtwin::test {

namespace asio = boost::asio;

// How an injected fault fails its operation.
enum class Fault : std::uint8_t {
    refuse,           // nothing is done and the operation fails
    done_then_fail,   // the operation is done, then fails: a written message is stored but never
                      // reported to on_written and the writer fails (an APPEND whose answer was lost);
                      // a read breaks off in its last message (begun, half its data, never ended)
    done_unreported,  // writes: the message is stored but never reported, and the writer goes on
                      // without an error (a server without UIDPLUS); other operations: done_then_fail
};

// The operation count and the armed fault, shared by the stores that count together.
struct FaultCounter {
    std::size_t operations = 0;  // operations counted so far
    std::size_t fail_at = 0;     // the operation number that fails; 0: none armed
    Fault fault = Fault::refuse;
    std::size_t fired = 0;  // how many injected faults fired
};

// One message as the store holds it.
struct StoredMessage {
    store::MessageId id;  // the uid on the remote side, the key on the local side
    std::string bytes;
    model::FlagSet flags;
    std::int64_t internaldate = 0;  // unix seconds (the local side: the file's mtime)
    model::ModSeq modseq = 0;       // remote only
};

// Which messages a view comes with identities for (the rest are asked for with describe()).
enum class ViewIdentities : std::uint8_t {
    none,
    new_only,  // the messages the checkpoint does not know (as the server store does)
    all,
};

class MemoryStore final : public store::FolderStore {
public:
    explicit MemoryStore(util::Side side);
    ~MemoryStore() override;

    // --- FolderStore ---
    [[nodiscard]] util::Side side() const noexcept override { return m_side; }
    [[nodiscard]] store::Traits traits() const noexcept override { return m_traits; }
    asio::awaitable<util::Expected<void>> view(store::FolderViews& views, const store::ViewRequest& request) override;
    asio::awaitable<util::Expected<std::vector<std::optional<model::Identity>>>> identify(
        const std::vector<store::MessageId>& ids) override;
    asio::awaitable<util::Expected<std::vector<store::Described>>> describe(
        const std::vector<store::MessageId>& ids) override;
    [[nodiscard]] store::Checkpoint checkpoint() const override { return m_checkpoint; }
    void retain(const std::vector<store::MessageId>& named, const model::FolderState& rows) override;
    asio::awaitable<util::Expected<std::size_t>> set_flags(const std::vector<store::FlagChange>& changes) override;
    asio::awaitable<util::Expected<void>> remove(const std::vector<store::Removal>& removals) override;
    asio::awaitable<util::Expected<store::ReadReport>> read(const std::vector<store::MessageId>& ids,
                                                            store::MessageSink& sink) override;
    std::unique_ptr<store::Writer> writer(std::vector<store::Outgoing> messages, store::Writer::WrittenFn on_written,
                                          store::Writer::ProgressFn on_progress) override;
    // Moves to other MemoryStores of the same side: the server's copy gets the target's next UID and
    // keeps its flags and INTERNALDATE (a UID no longer here is skipped, as UID MOVE does); the
    // Maildir's keeps its key (one no longer here, or a key the target holds, fails the move there).
    asio::awaitable<util::Expected<store::MovedIds>> move(const std::vector<store::MoveGroup>& groups) override;
    asio::awaitable<util::Expected<std::vector<std::optional<std::string>>>> message_ids(
        const std::vector<store::MessageId>& ids) override;
    // Remote: the one message with that Message-ID at or above the UIDNEXT of the last view.
    asio::awaitable<util::Expected<std::vector<std::optional<store::MessageId>>>> find_arrived(
        const std::vector<std::string>& message_ids) override;

    // --- Configuration ---
    // Defaults: remote write_needs_committed_intent and flags_known_only_after_write, local neither.
    void set_traits(store::Traits traits) { m_traits = traits; }
    // Messages a writer makes durable together (reported together to on_written); at least 1.
    void set_batch_size(std::size_t messages);
    // Bytes per data() call when reading into a sink; at least 1.
    void set_read_chunk(std::size_t bytes);
    // Defaults: remote new_only, local none.
    void set_view_identities(ViewIdentities which) { m_view_identities = which; }
    // Remote: what the server keeps (PERMANENTFLAGS), reported in views and applied to every flag
    // change and write: the rest is dropped silently, as a server does. Default: every flag.
    void set_storable(model::StorableFlags storable) { m_storable = std::move(storable); }
    // Local: whether the account's Maildir root is there (LocalView::root_present).
    void set_root_present(bool present) { m_root_present = present; }
    // Remote: whether a move tells the new UIDs (COPYUID); without, move() hands back nullopt and
    // find_arrived() finds the copies. Default: it tells.
    void set_move_reports_ids(bool reports) { m_move_reports_ids = reports; }
    // Local: the start of the keys add() and writes make ("m" by default, then a number): two
    // folders with different prefixes never share a key, as two Maildir folders do not.
    void set_key_prefix(std::string prefix) { m_key_prefix = std::move(prefix); }

    // --- Fault injection ---
    // The n-th counted operation from now (1: the next) fails, once, as `fault` says.
    void fail_after(std::size_t n, Fault fault = Fault::refuse);
    void disarm() { m_faults->fail_at = 0; }
    // This store counts on `other`'s counter from now on.
    void share_faults_with(MemoryStore& other) { m_faults = other.m_faults; }
    [[nodiscard]] std::size_t operations() const noexcept { return m_faults->operations; }
    [[nodiscard]] std::size_t faults_fired() const noexcept { return m_faults->fired; }

    // --- Another client or mail reader (none is counted or fails) ---
    store::MessageId add(std::string bytes, model::FlagSet flags = {}, std::int64_t internaldate = 0);
    // Replaces the message's flags; false when there is no such message.
    bool change_flags(const store::MessageId& id, model::FlagSet flags);
    // Deletes (local) or expunges (remote) the message; false when there is no such message.
    bool erase(const store::MessageId& id);
    // Remote: a new UIDVALIDITY, every message renumbered from 1 (the server rebuilt its index).
    void reset_uidvalidity();

    // --- Inspection ---
    // Every message, in uid or key order.
    [[nodiscard]] std::vector<StoredMessage> messages() const;
    [[nodiscard]] const StoredMessage* find(const store::MessageId& id) const;
    [[nodiscard]] std::size_t size() const noexcept { return m_messages.size(); }
    [[nodiscard]] model::UidValidity uidvalidity() const noexcept { return m_uidvalidity; }
    [[nodiscard]] model::ModSeq highestmodseq() const noexcept { return m_highestmodseq; }
    [[nodiscard]] model::Uid uidnext() const noexcept { return m_uidnext; }
    // What the last retain() kept, in the order given.
    [[nodiscard]] const std::vector<store::MessageId>& retained() const noexcept { return m_retained; }

private:
    friend class MemoryWriter;

    // Counts an operation; the fault it must fail with, if it is the armed one.
    std::optional<Fault> count_operation();
    util::Error injected(std::string_view what) const;
    // The message's place in m_messages (by uid or key), end() when absent.
    std::map<std::string, StoredMessage>::iterator locate(const store::MessageId& id);
    [[nodiscard]] std::string index_key(const store::MessageId& id) const;
    // Stores a message as a write or add() does; returns its id.
    store::MessageId store_message(std::string bytes, model::FlagSet flags, std::int64_t internaldate);
    void set_message_flags(StoredMessage& message, model::FlagSet flags);
    void expunge(std::map<std::string, StoredMessage>::iterator it);
    [[nodiscard]] model::FlagSet kept(const model::FlagSet& flags) const;
    [[nodiscard]] bool checkpoint_knows(const StoredMessage& message, const store::ViewRequest& request) const;
    void view_remote(model::RemoteView& out, const store::ViewRequest& request);
    void view_local(model::LocalView& out, const store::ViewRequest& request);
    [[nodiscard]] std::string name(const store::MessageId& id) const;
    // Takes one message moved here from `from` (the same side); its id here, or why not.
    util::Expected<std::optional<store::MessageId>> take_moved(MemoryStore& from, const store::MessageId& id);

    util::Side m_side;
    store::Traits m_traits;
    std::size_t m_batch_size = 8;
    std::size_t m_read_chunk = 1000;
    ViewIdentities m_view_identities;
    model::StorableFlags m_storable = model::StorableFlags::all();
    bool m_root_present = true;
    bool m_move_reports_ids = true;
    std::string m_key_prefix = "m";
    std::shared_ptr<FaultCounter> m_faults = std::make_shared<FaultCounter>();

    // Keyed by a string that sorts as uids or keys do (index_key).
    std::map<std::string, StoredMessage> m_messages;
    // remote
    model::UidValidity m_uidvalidity = 1;
    model::Uid m_uidnext = 1;
    model::ModSeq m_highestmodseq = 1;
    std::vector<std::pair<model::Uid, model::ModSeq>> m_vanished;  // uid, the mod-sequence of its expunge
    // local
    std::uint64_t m_next_key = 1;
    std::uint64_t m_changes = 0;  // the scan stamp: every change of the folder counts one

    store::Checkpoint m_checkpoint;
    std::vector<store::MessageId> m_retained;
    std::int64_t m_clock = 1'700'000'000;  // the INTERNALDATE of a write that brings none
};

// What a CRLF copy of `bytes` counts (RFC822.SIZE): every LF not after a CR counts two.
std::uint64_t crlf_size(std::string_view bytes);

// A message with the given header fields and body, LF line ends.
std::string make_message(std::string_view message_id, std::string_view subject, std::string_view body);

}  // namespace mailtwin::test
