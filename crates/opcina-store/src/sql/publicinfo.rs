//! The reads of the website's pieces, written once for both databases.

use async_trait::async_trait;
use opcina_core::publicinfo::piece::{PieceAction, PieceKind};

use crate::backend::{Reads, all, one};
use crate::error::Result;
use crate::publicinfo_rows::{
    AccreditationRow, AnswerTermRow, CitizenMessageRow, DistributionRow, InformationDecisionRow, InformationRequestRow, MediaContactRow,
    Open311ClientRow, PieceFileRow, PieceRow, PieceStepRow, PieceTextRow, PressQuestionRow, ReportRouteRow, ReportRow, ReportStepRow,
};
use crate::rows::CaseRow;
use crate::sql::shared::placeholders;
use crate::table::{Param, Record};

/// Which published pieces a list shows (keys as [`opcina_core::publicinfo::key`] makes
/// them). Without a kind, standing pages are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PieceFilter {
    pub kind: Option<PieceKind>,
    pub category: Option<String>,
    pub tag: Option<String>,
    pub local_community: Option<String>,
}

/// Where a page of a list starts: after the piece published at `publish_at` with `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PieceCursor {
    pub publish_at: i64,
    pub id: i64,
}

#[async_trait]
pub trait PublicInfoReads: Reads {
    async fn piece(&mut self, id: i64) -> Result<Option<PieceRow>> {
        one(self, &format!("SELECT {} FROM pieces WHERE id = $1", PieceRow::COLUMNS), &[&id]).await
    }

    async fn piece_by_slug(&mut self, slug: &str) -> Result<Option<PieceRow>> {
        one(self, &format!("SELECT {} FROM pieces WHERE slug = $1", PieceRow::COLUMNS), &[&slug]).await
    }

    /// The latest text in each language of each piece in `ids`.
    async fn latest_texts(&mut self, ids: &[i64]) -> Result<Vec<PieceTextRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Each text found through the index on (piece_id, language, id), and its latest
        // version by a lookup in it: an `id IN (SELECT MAX(id) …)` made SQLite scan the whole
        // index of texts for every list.
        let sql = format!(
            "SELECT {} FROM piece_texts t WHERE t.piece_id IN ({}) \
             AND t.id = (SELECT MAX(u.id) FROM piece_texts u WHERE u.piece_id = t.piece_id AND u.language = t.language) \
             ORDER BY t.piece_id, t.language",
            PieceTextRow::COLUMNS,
            placeholders(1, ids.len())
        );
        let params: Vec<&dyn Param> = ids.iter().map(|id| id as &dyn Param).collect();
        all(self, &sql, &params).await
    }

    /// Who wrote a piece's latest text (in any language).
    async fn last_text_writer(&mut self, piece_id: i64) -> Result<Option<String>> {
        let row: Option<PieceTextRow> = one(
            self,
            &format!("SELECT {} FROM piece_texts WHERE piece_id = $1 ORDER BY id DESC LIMIT 1", PieceTextRow::COLUMNS),
            &[&piece_id],
        )
        .await?;
        Ok(row.map(|r| r.written_by))
    }

    /// Every step of a piece, oldest first.
    async fn piece_steps(&mut self, piece_id: i64) -> Result<Vec<PieceStepRow>> {
        all(self, &format!("SELECT {} FROM piece_steps WHERE piece_id = $1 ORDER BY id", PieceStepRow::COLUMNS), &[&piece_id]).await
    }

    /// The corrections of a piece made once the public could see it, oldest first.
    /// Pieces changed after (`changed_at`, `id`), in that order: what a search index follows.
    async fn pieces_changed_after(&mut self, changed_at: i64, id: i64, limit: i64) -> Result<Vec<PieceRow>> {
        let sql = format!(
            "SELECT {} FROM pieces WHERE changed_at > $1 OR (changed_at = $1 AND id > $2) ORDER BY changed_at, id LIMIT $3",
            PieceRow::COLUMNS
        );
        all(self, &sql, &[&changed_at, &id, &limit]).await
    }

    /// The files a piece carries now, in the order they were put on it.
    async fn piece_files(&mut self, piece_id: i64) -> Result<Vec<PieceFileRow>> {
        let sql = format!("SELECT {} FROM piece_files WHERE piece_id = $1 AND removed_at IS NULL ORDER BY id", PieceFileRow::COLUMNS);
        all(self, &sql, &[&piece_id]).await
    }

    async fn piece_file(&mut self, id: i64) -> Result<Option<PieceFileRow>> {
        one(self, &format!("SELECT {} FROM piece_files WHERE id = $1", PieceFileRow::COLUMNS), &[&id]).await
    }

    async fn public_corrections(&mut self, piece_id: i64, since: i64) -> Result<Vec<PieceStepRow>> {
        let sql = format!("SELECT {} FROM piece_steps WHERE piece_id = $1 AND action = $2 AND at >= $3 ORDER BY id", PieceStepRow::COLUMNS);
        all(self, &sql, &[&piece_id, &PieceAction::Correct.as_str(), &since]).await
    }

    /// Published pieces the public sees at `now`, newest first, after `cursor`.
    async fn visible_pieces(&mut self, filter: &PieceFilter, now: i64, cursor: Option<PieceCursor>, limit: i64) -> Result<Vec<PieceRow>> {
        let kind = filter.kind.map(PieceKind::as_str);
        let tag = filter.tag.as_ref().map(|t| format!("%|{t}|%"));
        let (at, id) = cursor.map_or((0, 0), |c| (c.publish_at, c.id));
        let mut sql = format!("SELECT {} FROM pieces WHERE state = 'published' AND publish_at <= $1", PieceRow::COLUMNS);
        let mut params: Vec<&dyn Param> = vec![&now];
        match &kind {
            Some(k) => {
                params.push(k);
                sql.push_str(&format!(" AND kind = ${}", params.len()));
            }
            None => sql.push_str(" AND kind <> 'page'"),
        }
        if let Some(c) = &filter.category {
            params.push(c);
            sql.push_str(&format!(" AND category_key = ${}", params.len()));
        }
        if let Some(m) = &filter.local_community {
            params.push(m);
            sql.push_str(&format!(" AND local_community_key = ${}", params.len()));
        }
        if let Some(t) = &tag {
            params.push(t);
            sql.push_str(&format!(" AND tag_keys LIKE ${}", params.len()));
        }
        if cursor.is_some() {
            params.push(&at);
            let a = params.len();
            params.push(&id);
            sql.push_str(&format!(" AND (publish_at < ${a} OR (publish_at = ${a} AND id < ${}))", params.len()));
        }
        params.push(&limit);
        sql.push_str(&format!(" ORDER BY publish_at DESC, id DESC LIMIT ${}", params.len()));
        all(self, &sql, &params).await
    }

    /// Public calls the public sees at `now` that are open on `today`, closing first.
    async fn open_calls(&mut self, now: i64, today: &str, limit: i64) -> Result<Vec<PieceRow>> {
        let sql = format!(
            "SELECT {} FROM pieces WHERE state = 'published' AND publish_at <= $1 AND kind = 'public_call' AND closes_on >= $2 \
             ORDER BY closes_on, id LIMIT $3",
            PieceRow::COLUMNS
        );
        all(self, &sql, &[&now, &today, &limit]).await
    }

    /// Every piece the public sees at `now` (for the site map), newest first.
    async fn all_visible(&mut self, now: i64) -> Result<Vec<PieceRow>> {
        let sql = format!(
            "SELECT {} FROM pieces WHERE state = 'published' AND publish_at <= $1 ORDER BY publish_at DESC, id DESC",
            PieceRow::COLUMNS
        );
        all(self, &sql, &[&now]).await
    }

    /// The newsroom's list: every piece not yet published or waiting for its time first,
    /// then the rest, latest change first.
    async fn newsroom(&mut self, now: i64, limit: i64) -> Result<Vec<PieceRow>> {
        let sql = format!(
            "SELECT {} FROM pieces ORDER BY CASE WHEN state = 'published' AND publish_at <= $1 THEN 1 \
             WHEN state = 'unpublished' THEN 2 ELSE 0 END, changed_at DESC, id DESC LIMIT $2",
            PieceRow::COLUMNS
        );
        all(self, &sql, &[&now, &limit]).await
    }
}

impl<R: Reads + ?Sized> PublicInfoReads for R {}

/// The reads of the media list and press releases.
#[async_trait]
pub trait PressReads: Reads {
    /// The media list, by outlet and name.
    async fn media_list(&mut self) -> Result<Vec<MediaContactRow>> {
        all(self, &format!("SELECT {} FROM media_contacts ORDER BY outlet, name, id", MediaContactRow::COLUMNS), &[]).await
    }

    async fn media_contact(&mut self, id: i64) -> Result<Option<MediaContactRow>> {
        one(self, &format!("SELECT {} FROM media_contacts WHERE id = $1", MediaContactRow::COLUMNS), &[&id]).await
    }

    async fn media_contact_by_email(&mut self, email: &str) -> Result<Option<MediaContactRow>> {
        one(self, &format!("SELECT {} FROM media_contacts WHERE email = $1", MediaContactRow::COLUMNS), &[&email]).await
    }

    async fn media_contact_by_token(&mut self, token: &str) -> Result<Option<MediaContactRow>> {
        one(self, &format!("SELECT {} FROM media_contacts WHERE unsubscribe_token = $1", MediaContactRow::COLUMNS), &[&token]).await
    }

    async fn distribution(&mut self, id: i64) -> Result<Option<DistributionRow>> {
        one(self, &format!("SELECT {} FROM press_distributions WHERE id = $1", DistributionRow::COLUMNS), &[&id]).await
    }

    /// Releases whose messages are not written yet, oldest first.
    async fn pending_distributions(&mut self) -> Result<Vec<DistributionRow>> {
        all(self, &format!("SELECT {} FROM press_distributions WHERE queued_at IS NULL ORDER BY id", DistributionRow::COLUMNS), &[]).await
    }

    /// A piece's releases, oldest first.
    async fn piece_distributions(&mut self, piece_id: i64) -> Result<Vec<DistributionRow>> {
        all(self, &format!("SELECT {} FROM press_distributions WHERE piece_id = $1 ORDER BY id", DistributionRow::COLUMNS), &[&piece_id])
            .await
    }

    /// The messages written for `purpose`, with the relay's answer when there is one.
    async fn release_messages(&mut self, purpose: &str) -> Result<Vec<crate::publicinfo_press::ReleaseMessage>> {
        let sql = "SELECT o.id, o.recipient, COALESCE(d.status, 'queued'), COALESCE(d.reply, ''), d.at FROM mail_outbox o \
                   LEFT JOIN mail_deliveries d ON d.outbox_id = o.id WHERE o.purpose = $1 ORDER BY o.id";
        all(self, sql, &[&purpose]).await
    }
}

impl<R: Reads + ?Sized> PressReads for R {}

/// The reads of citizens' messages.
#[async_trait]
pub trait MessageReads: Reads {
    /// The last number of a year's book of messages (0 when none).
    async fn last_message_serial(&mut self, year: i64) -> Result<i64> {
        let n: Option<Option<i64>> = one(self, "SELECT MAX(serial) FROM citizen_messages WHERE year = $1", &[&year]).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    async fn citizen_message(&mut self, id: i64) -> Result<Option<CitizenMessageRow>> {
        one(self, &format!("SELECT {} FROM citizen_messages WHERE id = $1", CitizenMessageRow::COLUMNS), &[&id]).await
    }

    async fn message_by_number(&mut self, number: &str) -> Result<Option<CitizenMessageRow>> {
        one(self, &format!("SELECT {} FROM citizen_messages WHERE number = $1", CitizenMessageRow::COLUMNS), &[&number]).await
    }

    /// Messages of a unit (every unit's when `None`): waiting ones by due day, then the
    /// latest answered.
    async fn message_inbox(&mut self, unit: Option<&str>, limit: i64) -> Result<Vec<CitizenMessageRow>> {
        let sql = format!(
            "SELECT {} FROM citizen_messages WHERE ($1 = '' OR unit_code = $1) \
             ORDER BY CASE WHEN state = 'received' THEN 0 ELSE 1 END, CASE WHEN state = 'received' THEN due_on ELSE '' END, \
             answered_at DESC, id LIMIT $2",
            CitizenMessageRow::COLUMNS
        );
        all(self, &sql, &[&unit.unwrap_or(""), &limit]).await
    }

    async fn published_messages(&mut self, limit: i64) -> Result<Vec<CitizenMessageRow>> {
        let sql = format!(
            "SELECT {} FROM citizen_messages WHERE publish = $1 AND state = 'answered' ORDER BY answered_at DESC, id DESC LIMIT $2",
            CitizenMessageRow::COLUMNS
        );
        all(self, &sql, &[&true, &limit]).await
    }
}

impl<R: Reads + ?Sized> MessageReads for R {}

/// The reads of the journalists' desk, the answer terms and the response-time figures.
#[async_trait]
pub trait DeskReads: Reads {
    /// The last number of a year's book of journalists' questions (0 when none).
    async fn last_question_serial(&mut self, year: i64) -> Result<i64> {
        let n: Option<Option<i64>> = one(self, "SELECT MAX(serial) FROM press_questions WHERE year = $1", &[&year]).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    async fn press_question(&mut self, id: i64) -> Result<Option<PressQuestionRow>> {
        one(self, &format!("SELECT {} FROM press_questions WHERE id = $1", PressQuestionRow::COLUMNS), &[&id]).await
    }

    /// The desk's questions (a unit's when `unit` is given): waiting ones by due day, then the
    /// latest answered.
    async fn desk_questions(&mut self, unit: Option<&str>, limit: i64) -> Result<Vec<PressQuestionRow>> {
        let sql = format!(
            "SELECT {} FROM press_questions WHERE ($1 = '' OR unit_code = $1) \
             ORDER BY CASE WHEN state = 'answered' THEN 1 ELSE 0 END, CASE WHEN state = 'answered' THEN '' ELSE due_on END, \
             answered_at DESC, id LIMIT $2",
            PressQuestionRow::COLUMNS
        );
        all(self, &sql, &[&unit.unwrap_or(""), &limit]).await
    }

    /// The term last set for `term_of` (`None`: the default applies).
    async fn answer_term(&mut self, term_of: &str) -> Result<Option<AnswerTermRow>> {
        let sql = format!("SELECT {} FROM answer_terms WHERE term_of = $1 ORDER BY id DESC LIMIT 1", AnswerTermRow::COLUMNS);
        one(self, &sql, &[&term_of]).await
    }

    /// A year's citizens' messages, for the figures.
    async fn messages_of_year(&mut self, year: i64) -> Result<Vec<CitizenMessageRow>> {
        all(self, &format!("SELECT {} FROM citizen_messages WHERE year = $1 ORDER BY id", CitizenMessageRow::COLUMNS), &[&year]).await
    }

    /// A year's journalists' questions, for the figures.
    async fn questions_of_year(&mut self, year: i64) -> Result<Vec<PressQuestionRow>> {
        all(self, &format!("SELECT {} FROM press_questions WHERE year = $1 ORDER BY id", PressQuestionRow::COLUMNS), &[&year]).await
    }
}

impl<R: Reads + ?Sized> DeskReads for R {}

/// The reads of requests for information: the cases of the kind the body keeps them under,
/// registered in the years `from_year..=to_year`, and what the law adds to them.
#[async_trait]
pub trait InformationReads: Reads {
    async fn information_cases(&mut self, case_type: &str, from_year: i64, to_year: i64) -> Result<Vec<CaseRow>> {
        let sql = format!("SELECT {} FROM cases WHERE case_type = $1 AND year BETWEEN $2 AND $3 ORDER BY id DESC", CaseRow::COLUMNS);
        all(self, &sql, &[&case_type, &from_year, &to_year]).await
    }

    async fn information_requests_of(&mut self, case_type: &str, from_year: i64, to_year: i64) -> Result<Vec<InformationRequestRow>> {
        let sql = format!(
            "SELECT {} FROM information_requests WHERE case_id IN \
             (SELECT id FROM cases WHERE case_type = $1 AND year BETWEEN $2 AND $3) ORDER BY case_id",
            InformationRequestRow::COLUMNS
        );
        all(self, &sql, &[&case_type, &from_year, &to_year]).await
    }

    async fn information_decisions_of(&mut self, case_type: &str, from_year: i64, to_year: i64) -> Result<Vec<InformationDecisionRow>> {
        let sql = format!(
            "SELECT {} FROM information_decisions WHERE case_id IN \
             (SELECT id FROM cases WHERE case_type = $1 AND year BETWEEN $2 AND $3) ORDER BY case_id",
            InformationDecisionRow::COLUMNS
        );
        all(self, &sql, &[&case_type, &from_year, &to_year]).await
    }

    /// The cases among them an appeal was lodged against.
    async fn information_appealed(&mut self, case_type: &str, from_year: i64, to_year: i64) -> Result<Vec<i64>> {
        let sql = "SELECT DISTINCT appeal_of FROM cases WHERE appeal_of IN \
                   (SELECT id FROM cases WHERE case_type = $1 AND year BETWEEN $2 AND $3)";
        all(self, sql, &[&case_type, &from_year, &to_year]).await
    }

    async fn information_request(&mut self, case_id: i64) -> Result<Option<InformationRequestRow>> {
        one(self, &format!("SELECT {} FROM information_requests WHERE case_id = $1", InformationRequestRow::COLUMNS), &[&case_id]).await
    }

    async fn information_decision(&mut self, case_id: i64) -> Result<Option<InformationDecisionRow>> {
        one(self, &format!("SELECT {} FROM information_decisions WHERE case_id = $1", InformationDecisionRow::COLUMNS), &[&case_id]).await
    }
}

impl<R: Reads + ?Sized> InformationReads for R {}

/// The reads of journalists' accreditations.
#[async_trait]
pub trait AccreditationReads: Reads {
    async fn last_accreditation_serial(&mut self, year: i64) -> Result<i64> {
        let n: Option<Option<i64>> = one(self, "SELECT MAX(serial) FROM press_accreditations WHERE year = $1", &[&year]).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    async fn accreditation(&mut self, id: i64) -> Result<Option<AccreditationRow>> {
        one(self, &format!("SELECT {} FROM press_accreditations WHERE id = $1", AccreditationRow::COLUMNS), &[&id]).await
    }

    /// Requests waiting first (the oldest first), then those valid on or after `from` (by
    /// the day they end), then the latest refused, revoked and lapsed.
    async fn accreditations(&mut self, from: &str, limit: i64) -> Result<Vec<AccreditationRow>> {
        let sql = format!(
            "SELECT {} FROM press_accreditations \
             ORDER BY CASE WHEN state = 'requested' THEN 0 WHEN state = 'granted' AND valid_until >= $1 THEN 1 ELSE 2 END, \
             CASE WHEN state = 'requested' THEN id ELSE 0 END, \
             CASE WHEN state = 'granted' AND valid_until >= $1 THEN valid_until ELSE '' END, id DESC LIMIT $2",
            AccreditationRow::COLUMNS
        );
        all(self, &sql, &[&from, &limit]).await
    }
}

impl<R: Reads + ?Sized> AccreditationReads for R {}

/// Which reports a list shows; empty parts select everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// Numbers (Open311's `service_request_id`); when given, the rest is ignored.
    pub numbers: Vec<String>,
    pub states: Vec<opcina_core::publicinfo::report::ReportState>,
    pub categories: Vec<String>,
    pub local_community_key: Option<String>,
    pub unit: Option<String>,
    /// Received at or after (microseconds).
    pub from: Option<i64>,
    /// Received at or before (microseconds).
    pub to: Option<i64>,
}

/// ` AND column IN ($n, …)` for `values`, which join `params` (nothing when there are none).
fn any_of<'a>(sql: &mut String, params: &mut Vec<&'a dyn Param>, column: &str, values: Vec<&'a dyn Param>) {
    if values.is_empty() {
        return;
    }
    sql.push_str(&format!(" AND {column} IN ({})", placeholders(params.len() + 1, values.len())));
    params.extend(values);
}

/// A local community's count of reports (the key empty: reports placed by street or point
/// only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPlace {
    pub key: String,
    /// As one of its reports wrote it.
    pub name: String,
    pub open: i64,
    pub closed: i64,
}

impl crate::table::Record for ReportPlace {
    const COLUMNS: &'static str = "";
    const ARITY: usize = 4;
    fn read(src: &dyn crate::table::Source) -> Result<Self> {
        Ok(ReportPlace { key: src.text(0)?, name: src.opt_text(1)?.unwrap_or_default(), open: src.int(2)?, closed: src.int(3)? })
    }
}

/// The reads of reports of communal problems.
#[async_trait]
pub trait ReportReads: Reads {
    async fn last_report_serial(&mut self, year: i64) -> Result<i64> {
        let n: Option<Option<i64>> = one(self, "SELECT MAX(serial) FROM reports WHERE year = $1", &[&year]).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    async fn report(&mut self, id: i64) -> Result<Option<ReportRow>> {
        one(self, &format!("SELECT {} FROM reports WHERE id = $1", ReportRow::COLUMNS), &[&id]).await
    }

    async fn report_by_number(&mut self, number: &str) -> Result<Option<ReportRow>> {
        one(self, &format!("SELECT {} FROM reports WHERE number = $1", ReportRow::COLUMNS), &[&number]).await
    }

    async fn report_by_token(&mut self, token: &str) -> Result<Option<ReportRow>> {
        one(self, &format!("SELECT {} FROM reports WHERE token = $1", ReportRow::COLUMNS), &[&token]).await
    }

    /// A report's changes, oldest first.
    async fn report_steps(&mut self, report_id: i64) -> Result<Vec<ReportStepRow>> {
        all(self, &format!("SELECT {} FROM report_steps WHERE report_id = $1 ORDER BY id", ReportStepRow::COLUMNS), &[&report_id]).await
    }

    /// The latest step with a note by the unit (not the reporter) of each report in `ids`.
    async fn last_unit_notes(&mut self, ids: &[i64]) -> Result<Vec<ReportStepRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {} FROM report_steps WHERE id IN \
             (SELECT MAX(id) FROM report_steps WHERE by_reporter = $1 AND note <> '' AND report_id IN ({}) GROUP BY report_id)",
            ReportStepRow::COLUMNS,
            placeholders(2, ids.len())
        );
        let mut params: Vec<&dyn Param> = vec![&false];
        params.extend(ids.iter().map(|id| id as &dyn Param));
        all(self, &sql, &params).await
    }

    /// The route of a category's reports in a local community: its own, else the
    /// category's general one.
    async fn report_route(&mut self, category: &str, local_community_key: &str) -> Result<Option<ReportRouteRow>> {
        one(
            self,
            &format!(
                "SELECT {} FROM report_routes WHERE category = $1 AND local_community_key IN ($2, '') \
                 ORDER BY local_community_key DESC LIMIT 1",
                ReportRouteRow::COLUMNS
            ),
            &[&category, &local_community_key],
        )
        .await
    }

    /// Every route, by category and local community (the general one first).
    async fn report_routes(&mut self) -> Result<Vec<ReportRouteRow>> {
        all(self, &format!("SELECT {} FROM report_routes ORDER BY category, local_community_key", ReportRouteRow::COLUMNS), &[]).await
    }

    /// Every Open311 client, by name.
    async fn open311_clients(&mut self) -> Result<Vec<Open311ClientRow>> {
        all(self, &format!("SELECT {} FROM open311_clients ORDER BY name, id", Open311ClientRow::COLUMNS), &[]).await
    }

    async fn open311_client_by_key(&mut self, key_hash: &[u8]) -> Result<Option<Open311ClientRow>> {
        let hash = key_hash.to_vec();
        one(self, &format!("SELECT {} FROM open311_clients WHERE key_hash = $1", Open311ClientRow::COLUMNS), &[&hash]).await
    }

    async fn open311_client_by_name(&mut self, name: &str) -> Result<Option<Open311ClientRow>> {
        one(self, &format!("SELECT {} FROM open311_clients WHERE name = $1", Open311ClientRow::COLUMNS), &[&name]).await
    }

    /// Reports as `filter` selects them, the latest received first; `limit` from `offset`.
    async fn reports(&mut self, filter: &ReportFilter, limit: i64, offset: i64) -> Result<Vec<ReportRow>> {
        let mut sql = format!("SELECT {} FROM reports WHERE 1 = 1", ReportRow::COLUMNS);
        let mut params: Vec<&dyn Param> = Vec::new();
        if filter.numbers.is_empty() {
            any_of(&mut sql, &mut params, "state", filter.states.iter().map(|s| s as &dyn Param).collect());
            any_of(&mut sql, &mut params, "category", filter.categories.iter().map(|c| c as &dyn Param).collect());
            for (clause, value) in [
                ("local_community_key =", filter.local_community_key.as_ref().map(|k| k as &dyn Param)),
                ("unit_code =", filter.unit.as_ref().map(|u| u as &dyn Param)),
                ("received_at >=", filter.from.as_ref().map(|f| f as &dyn Param)),
                ("received_at <=", filter.to.as_ref().map(|t| t as &dyn Param)),
            ] {
                if let Some(value) = value {
                    params.push(value);
                    sql.push_str(&format!(" AND {clause} ${}", params.len()));
                }
            }
        } else {
            any_of(&mut sql, &mut params, "number", filter.numbers.iter().map(|n| n as &dyn Param).collect());
        }
        sql.push_str(&format!(" ORDER BY received_at DESC, id DESC LIMIT ${} OFFSET ${}", params.len() + 1, params.len() + 2));
        params.push(&limit);
        params.push(&offset);
        all(self, &sql, &params).await
    }

    /// How many reports each local community has open (by key, with the name as one of its
    /// reports wrote it), and how many closed, for the public list.
    async fn report_places(&mut self) -> Result<Vec<ReportPlace>> {
        let open: Vec<opcina_core::publicinfo::report::ReportState> =
            opcina_core::publicinfo::report::ReportState::ALL.into_iter().filter(|s| !s.is_closed()).collect();
        let sql = format!(
            "SELECT local_community_key, MAX(local_community), \
             SUM(CASE WHEN state IN ({m}) THEN 1 ELSE 0 END), SUM(CASE WHEN state IN ({m}) THEN 0 ELSE 1 END) \
             FROM reports GROUP BY local_community_key ORDER BY local_community_key",
            m = placeholders(1, open.len())
        );
        let params: Vec<&dyn Param> = open.iter().map(|s| s as &dyn Param).collect();
        all(self, &sql, &params).await
    }
}

impl<R: Reads + ?Sized> ReportReads for R {}
