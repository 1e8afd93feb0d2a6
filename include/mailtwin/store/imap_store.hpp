#pragma once
// The remote side of one folder: a mailbox on the IMAP server, over a net::Session (store.hpp says
// what each operation promises).
//
// Its view costs what changed, not what exists:
//   unchanged   LIST-STATUS at the start of the run says the folder is as the checkpoint saw it:
//               no command at all (the view is empty, changes_since the checkpoint)
//   QRESYNC     the SELECT itself reports changed flags and VANISHED (EARLIER) UIDs
//   CONDSTORE   changed flags by mod-sequence, deletions by a UID SEARCH diff (Gmail)
//   degraded    every UID and its flags
// Size, INTERNALDATE and the identity (a few header fields and the first 1 KB of the body, in the
// same FETCH) are fetched only for messages the state does not know. The store selects the folder
// when an operation needs it and checks the UIDVALIDITY the view saw.
// What the server claims is checked before it is believed: bodies of another size than announced
// (read) and UIDs outside what an APPEND may be given (writer; net/server_claims.hpp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mailtwin/imap/response.hpp"
#include "mailtwin/net/server_claims.hpp"
#include "mailtwin/net/session.hpp"
#include "mailtwin/store/store.hpp"

namespace mailtwin::store {

// A server folder read into the planner's RemoteView, with the SELECT it came from.
struct RemoteScan {
    model::RemoteView view;
    net::SelectResult selected;
    bool incremental = false;  // changes_since (fast path) rather than full
};

// LIST-STATUS says the server's side of the folder is as the checkpoint saw it: the same UIDVALIDITY
// and HIGHESTMODSEQ, and (where reported) UIDNEXT and message count, which catch expunges on a
// server whose mod-sequence ignores them (CONDSTORE without QRESYNC).
bool remote_unchanged(const imap::StatusData& status, const Checkpoint& record);
// The remote view of such a folder, without a round trip: nothing changed since the checkpoint.
RemoteScan unchanged_remote_view(const imap::StatusData& status, const Checkpoint& record);
// What the server keeps, from a SELECT's PERMANENTFLAGS (none sent: every flag, RFC 3501 §7.1).
model::StorableFlags storable_flags(const std::optional<imap::FlagList>& permanent_flags);
// SELECTs the folder and reads what changed since the checkpoint's mod-sequence (or everything).
asio::awaitable<util::Expected<RemoteScan>> scan_remote(net::Session& session, const std::string& folder,
                                                        const model::FolderState& state, const Checkpoint* last,
                                                        bool full);
// Fetches the meta data and identities of `uids` in the selected folder, keeping the identities in
// `ids` only (the header fields and body starts they come from are dropped as each message arrives).
asio::awaitable<util::Expected<std::vector<net::MessageMeta>>> fetch_identified(
    net::Session& session, const std::vector<model::Uid>& uids, std::map<model::Uid, model::Identity>& ids);

class ImapStore final : public FolderStore {
public:
    struct Options {
        std::string folder;                      // the server's name, UTF-8
        std::optional<imap::StatusData> status;  // LIST-STATUS at the start of the run, if the server has it
        // false in a dry run for a folder the real run would first create: viewed as empty, never selected
        bool exists = true;
        std::string trash;     // remote folder receiving removals instead of an expunge ("" = expunge)
        bool dry_run = false;  // select with EXAMINE
    };
    ImapStore(net::Session& session, Options options) : m_session(&session), m_options(std::move(options)) {}
    // The session every later operation goes through: a run may plan a folder on one connection
    // and apply its plan on another.
    void use(net::Session& session) noexcept { m_session = &session; }

    [[nodiscard]] util::Side side() const noexcept override { return util::Side::remote; }
    [[nodiscard]] Traits traits() const noexcept override { return Traits{true, true}; }
    asio::awaitable<util::Expected<void>> view(FolderViews& views, const ViewRequest& request) override;
    asio::awaitable<util::Expected<std::vector<std::optional<model::Identity>>>> identify(
        const std::vector<MessageId>& ids) override;
    asio::awaitable<util::Expected<std::vector<Described>>> describe(const std::vector<MessageId>& ids) override;
    [[nodiscard]] Checkpoint checkpoint() const override;
    void retain(const std::vector<MessageId>& named, const model::FolderState& rows) override;
    asio::awaitable<util::Expected<std::size_t>> set_flags(const std::vector<FlagChange>& changes) override;
    asio::awaitable<util::Expected<void>> remove(const std::vector<Removal>& removals) override;
    asio::awaitable<util::Expected<ReadReport>> read(const std::vector<MessageId>& ids, MessageSink& sink) override;
    std::unique_ptr<Writer> writer(std::vector<Outgoing> messages, Writer::WrittenFn on_written,
                                   Writer::ProgressFn on_progress) override;
    asio::awaitable<util::Expected<MovedIds>> move(const std::vector<MoveGroup>& groups) override;
    asio::awaitable<util::Expected<std::vector<std::optional<std::string>>>> message_ids(
        const std::vector<MessageId>& ids) override;
    asio::awaitable<util::Expected<std::vector<std::optional<MessageId>>>> find_arrived(
        const std::vector<std::string>& message_ids) override;

    // A view made without a SELECT (the unchanged fast path) does not know what the server keeps
    // (PERMANENTFLAGS). When the plan asks it to keep flags, this SELECTs and fills views.remote.storable.
    asio::awaitable<util::Expected<void>> learn_storable(FolderViews& views);
    [[nodiscard]] bool incremental() const noexcept { return m_scan.incremental; }
    [[nodiscard]] const net::SelectResult& selected() const noexcept { return m_scan.selected; }
    [[nodiscard]] const std::string& folder() const noexcept { return m_options.folder; }
    [[nodiscard]] net::Session& session() noexcept { return *m_session; }
    // What the UIDs of this folder's uploads must be (net/server_claims.hpp), from the view and rows.
    [[nodiscard]] const net::AppendExpectation& append_expectation() const noexcept { return m_expect; }

    // SELECTs the folder unless the session has it selected; fails if its UIDVALIDITY is not the view's.
    asio::awaitable<util::Expected<void>> ensure_selected();

private:
    net::Session* m_session;
    Options m_options;
    RemoteScan m_scan;  // messages and vanished are dropped by retain()
    net::AppendExpectation m_expect;
    std::map<model::Uid, Described> m_described;  // new messages the view described (identity, size)
};

}  // namespace mailtwin::store
