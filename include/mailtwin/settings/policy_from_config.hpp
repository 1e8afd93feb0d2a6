#pragma once
// Builds a sync::Policy from the parsed config. Here in the engine, which links both config and sync:
// the planner (sync) links only util and model and never sees the config.
#include "mailtwin/config/config.hpp"
#include "mailtwin/sync/folder_plan.hpp"
#include "mailtwin/sync/policy.hpp"

namespace mailtwin::engine {

inline sync::Policy policy_from_config(const config::Sync& cfg, bool force, bool full) {
    sync::Policy p;
    switch (cfg.direction) {
        case config::Direction::both:
            p.direction = sync::Direction::both;
            break;
        case config::Direction::pull:
            p.direction = sync::Direction::pull;
            break;
        case config::Direction::push:
            p.direction = sync::Direction::push;
            break;
    }
    switch (cfg.expunge) {
        case config::Expunge::both:
            p.expunge = sync::ExpungeTo::both;
            break;
        case config::Expunge::none:
            p.expunge = sync::ExpungeTo::none;
            break;
        case config::Expunge::local:
            p.expunge = sync::ExpungeTo::local;
            break;
        case config::Expunge::remote:
            p.expunge = sync::ExpungeTo::remote;
            break;
    }
    p.on_conflict = cfg.on_conflict == config::OnConflict::keep ? sync::OnConflict::keep : sync::OnConflict::del;
    p.keywords = cfg.keywords == config::Keywords::ignore ? sync::KeywordMode::ignore : sync::KeywordMode::sync;
    switch (cfg.local_keywords) {
        case config::LocalKeywords::automatic:
            p.local_keywords = sync::LocalKeywords::automatic;
            break;
        case config::LocalKeywords::kept:
            p.local_keywords = sync::LocalKeywords::kept;
            break;
        case config::LocalKeywords::dropped:
            p.local_keywords = sync::LocalKeywords::dropped;
            break;
    }
    p.max_size = cfg.max_size;
    p.max_age_days = cfg.max_age_days;
    p.max_messages = cfg.max_messages;
    p.max_delete_percent = cfg.max_delete_percent;
    p.trash = !cfg.trash.empty();
    p.force = force;
    p.full = full;
    return p;
}

inline sync::FolderDeletes folder_deletes(const config::Sync& cfg) {
    return cfg.folder_deletes == config::FolderDeletes::propagate ? sync::FolderDeletes::propagate
                                                                  : sync::FolderDeletes::recreate;
}

}  // namespace mailtwin::engine
