// sync/unsynced.hpp: whether one side of a folder changed since the last sync, the test a propagated
// folder deletion must pass.
#include <gtest/gtest.h>

#include "mailtwin/sync/unsynced.hpp"

namespace mailtwin::sync {
namespace {

model::FlagSet seen() {
    model::FlagSet f;
    f.set(model::Flag::seen);
    return f;
}

model::FolderState rows() {
    model::FolderState s;
    s.uidvalidity = 7;
    model::PairState a;
    a.uid = 1;
    a.key = "k1";
    a.remote_flags = a.local_flags = seen();
    model::PairState b;
    b.uid = 2;
    b.key = "k2";
    s.pairs = {a, b};
    return s;
}

model::RemoteView full_remote() {
    model::RemoteView v;
    v.uidvalidity = 7;
    v.messages = {model::RemoteMessage{1, seen(), 0, 0, std::nullopt}, model::RemoteMessage{2, {}, 0, 0, std::nullopt}};
    return v;
}

model::LocalView full_local() {
    model::LocalView v;
    v.messages = {model::LocalMessage{"k1", seen(), 0, 0, std::nullopt},
                  model::LocalMessage{"k2", {}, 0, 0, std::nullopt}};
    return v;
}

TEST(Unsynced, AServerFolderAsTheStateLeftItIsUnchanged) {
    EXPECT_FALSE(changed_since_last_sync(full_remote(), rows()));
    model::RemoteView none;  // incremental, nothing since the checkpoint
    none.uidvalidity = 7;
    none.kind = model::RemoteViewKind::changes_since;
    EXPECT_FALSE(changed_since_last_sync(none, rows()));
}

TEST(Unsynced, EveryKindOfServerChangeCounts) {
    auto flagged = full_remote();
    flagged.messages[1].flags = seen();
    EXPECT_TRUE(changed_since_last_sync(flagged, rows()));
    auto added = full_remote();
    added.messages.push_back(model::RemoteMessage{3, {}, 0, 0, std::nullopt});
    EXPECT_TRUE(changed_since_last_sync(added, rows()));
    auto gone = full_remote();
    gone.messages.pop_back();
    EXPECT_TRUE(changed_since_last_sync(gone, rows()));
    auto other_uids = full_remote();
    other_uids.uidvalidity = 8;
    EXPECT_TRUE(changed_since_last_sync(other_uids, rows()));
    model::RemoteView expunged;
    expunged.uidvalidity = 7;
    expunged.kind = model::RemoteViewKind::changes_since;
    expunged.vanished = {2};
    EXPECT_TRUE(changed_since_last_sync(expunged, rows()));
    expunged.vanished = {9};  // not a message the state knows: mailtwin's own expunge of a late copy
    EXPECT_FALSE(changed_since_last_sync(expunged, rows()));
}

TEST(Unsynced, EveryKindOfMaildirChangeCounts) {
    EXPECT_FALSE(changed_since_last_sync(full_local(), rows()));
    model::LocalView stamp_unchanged;
    stamp_unchanged.kind = model::LocalViewKind::unchanged;
    EXPECT_FALSE(changed_since_last_sync(stamp_unchanged, rows()));
    auto read = full_local();
    read.messages[1].flags = seen();
    EXPECT_TRUE(changed_since_last_sync(read, rows()));
    auto added = full_local();
    added.messages.push_back(model::LocalMessage{"k3", {}, 0, 0, std::nullopt});
    EXPECT_TRUE(changed_since_last_sync(added, rows()));
    auto gone = full_local();
    gone.messages.pop_back();
    EXPECT_TRUE(changed_since_last_sync(gone, rows()));
}

}  // namespace
}  // namespace mailtwin::sync
