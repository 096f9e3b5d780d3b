// CSV court calendars (issue 7): RFC 4180 rows to hearing records, one Rejection per row
// that cannot be used. Pure: bytes in, values out; no I/O. Thread-safe (no shared state).
#pragma once

#include "adapters/court_feed.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat::adapters {

// One record of a CSV file.
struct CsvRow {
  std::size_t line = 0;             // physical line (1-based) where the record starts
  std::vector<std::string> fields;  // unquoted, doubled quotes undone, line breaks kept
  std::string error;                // non-empty when the record is malformed
  friend bool operator==(const CsvRow&, const CsvRow&) = default;
};

// RFC 4180 reading, leniently: fields may be quoted ("a, b"), a quote inside a quoted field
// is doubled (""), quoted fields may hold line breaks; records end at CRLF, LF or a lone
// CR; a UTF-8 BOM at the start is skipped; blank lines are skipped. Spaces between a
// closing quote and the delimiter are allowed. Malformed records (text after a closing
// quote, a quote left open at the end of input) are returned with `error` set; reading
// goes on with the next record (an open quote swallows the rest of the input).
[[nodiscard]] std::vector<CsvRow> read_csv_rows(std::string_view bytes, char delimiter = ',');

// A court date: M/D/YYYY, MM/DD/YYYY, M/D/YY (20YY), YYYY-MM-DD or YYYY/MM/DD. Leading
// and trailing spaces ignored. nullopt for anything else or an impossible date.
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_court_date(std::string_view text);

// A time of day: "1:30 PM", "01:30 PM", "8:30AM", "8:30 a.m.", "13:30", "13:30:00",
// "0830". nullopt for anything else ("13:30 PM", "24:00", "9").
[[nodiscard]] std::optional<std::chrono::seconds> parse_court_time(std::string_view text);

struct CsvOptions {
  // Column headers per field; empty fields use the defaults below. A mapped header that
  // is not in the file is an error (a misconfigured feed should fail loudly).
  FeedMapping mapping;
  // The zone the dates and times are wall-clock times in (IANA name).
  std::string time_zone = kCourtLocalZone;
  char delimiter = ',';
  std::size_t max_bytes = kMaxFeedBytes;
};

// Default headers, compared ignoring case, spaces and punctuation (the first found wins):
//   docket         CaseNumber, Case No, Case Num, Docket, Docket Number, Docket No,
//                  Court Case Number, Case
//   hearing_type   HearingType, Hearing Kind, Event Type, Hearing, Event, Proceeding,
//                  Appearance Type, Type
//   date           HearingDate, Court Date, Event Date, Calendar Date, Appearance Date, Date
//   time           HearingTime, Court Time, Event Time, Start Time, Calendar Time, Time
//   department     Department, Dept, Courtroom, Room
//   judge          Judge, Judicial Officer, Judge Name
//   hearing_id     HearingID, Event ID, Hearing No, Appearance ID
//   status         Status, Hearing Status, Event Status
//   cancel_reason  CancelReason, Cancellation Reason, Status Reason, Reason
//
// Parses a CSV court calendar whose first record is the header. A date column and a
// docket or hearing-id column are required. A date cell may carry the time too
// ("4/19/2019 1:30 PM", "2019-04-19T13:30"); a row with no time at all is an all-day
// record. Status wording: Cancel(l)ed, Vacated, Off Calendar, Dropped, Stricken, Withdrawn
// → cancelled; anything else → scheduled, with the wording kept in `note` unless it is a
// plain "Scheduled"/"Set"/"Active" (so "Continued" is scheduled with note "Continued").
// Columns no field uses are kept in x_properties by their header text.
//
// A row is rejected (with its line and the reason) for: a malformed record, a missing or
// impossible date or time, neither docket nor hearing id, more non-empty cells than
// headers, or a hearing id already seen on an earlier row (the first row wins).
//
// Errors (nothing parsed): payload_too_large above max_bytes; invalid_argument for an
// empty file, a header without a date column or without a docket/hearing-id column, a
// mapped header missing from the file ("mapping.<field>"), or an unknown time_zone.
[[nodiscard]] Result<ParseResult> parse_csv(std::string_view bytes, const CsvOptions& options = {});

}  // namespace heat::adapters
