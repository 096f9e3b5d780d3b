#include "adapters/feed_poller.hpp"

#include "adapters/feed_import.hpp"

namespace heat::adapters {

FeedPoller::FeedPoller(FeedPollStore& polls, CourtEventStore& events, const Clock& clock, FetchOptions fetch)
    : polls_(polls), events_(events), clock_(clock), fetch_(std::move(fetch)) {}

std::chrono::seconds FeedPoller::lease() const {
  return std::chrono::duration_cast<std::chrono::seconds>(fetch_.connect_timeout + fetch_.read_timeout) +
         std::chrono::minutes{10};
}

Result<PollReport> FeedPoller::poll_claimed(const Feed& feed, const FeedPollState& claimed, const AuditEntry& audit) {
  PollOutcome outcome;
  std::optional<ImportReport> imported;
  auto fetched = fetch_https({claimed.url, claimed.etag, claimed.last_modified}, fetch_);
  if (!fetched) {
    outcome.status = PollStatus::failed;
    outcome.error = fetched.error().message;
  } else if (fetched->not_modified) {
    outcome.status = PollStatus::not_modified;
  } else {
    ImportOptions options;
    options.origin = ImportOrigin::poll;
    AuditEntry import_audit = audit;
    import_audit.at = clock_.now();
    FeedImporter importer(events_);
    auto report = importer.import_file(feed, fetched->body, options, import_audit);
    if (!report) {
      // Nothing was imported; the validators stay, so the next poll fetches the file again.
      outcome.status = PollStatus::failed;
      outcome.error = "import: " + report.error().message;
      for (const auto& f : report.error().fields) outcome.error += "; " + f.field + ": " + f.message;
    } else {
      outcome.status = PollStatus::ok;
      outcome.etag = fetched->etag;
      outcome.last_modified = fetched->last_modified;
      outcome.import_id = report->import_id;
      imported = std::move(*report);
    }
  }
  auto state = polls_.finish(feed.id, outcome, clock_.now(), audit);
  if (!state) return state.error();
  return PollReport{std::move(*state), std::move(imported)};
}

Result<int> FeedPoller::poll_due(int limit) {
  auto claimed = polls_.claim_due(clock_.now(), lease(), limit);
  if (!claimed) return claimed.error();
  int polled = 0;
  for (const auto& c : *claimed) {
    AuditEntry audit;  // no user: the server polls on its own
    audit.at = clock_.now();
    audit.actor_username = "heatwatch-poller";
    audit.action = "feed.poll";
    audit.entity = "feed";
    audit.entity_id = c.feed_id;
    audit.outcome = "success";
    auto feed = events_.get_feed(c.feed_id);
    if (!feed || !*feed) {
      PollOutcome gone{PollStatus::failed, feed ? "the feed is gone" : feed.error().message, "", "", ""};
      (void)polls_.finish(c.feed_id, gone, clock_.now(), audit);
      continue;
    }
    if (auto r = poll_claimed(**feed, c, audit); r) ++polled;
  }
  return polled;
}

Result<PollReport> FeedPoller::poll_now(const Feed& feed, const AuditEntry& audit) {
  auto claimed = polls_.claim(feed.id, clock_.now(), lease());
  if (!claimed) return claimed.error();
  return poll_claimed(feed, *claimed, audit);
}

Result<std::optional<FeedPollState>> FeedPoller::state(const std::string& feed_id) { return polls_.state(feed_id); }

}  // namespace heat::adapters
