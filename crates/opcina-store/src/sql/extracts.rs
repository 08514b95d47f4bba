//! The reads of extracts, the fee schedule, the node's keys and online orders, written once
//! for both databases.

use async_trait::async_trait;

use crate::backend::{Reads, all, one};
use crate::error::Result;
use crate::rows::{
    AppealRouteRow, ExtractOfficialsRow, ExtractRow, FeeRuleRow, NodeKeyRow, OrderEventRow, OrderRow, RefusalRecordRow, RevocationRow,
};
use crate::sql::shared::{about_person, placeholders};
use crate::table::{Param, Record};

#[async_trait]
pub trait ExtractReads: Reads {
    /// The registrars' names an issued document kept, if it kept any.
    async fn extract_officials(&mut self, extract_id: i64) -> Result<Option<ExtractOfficialsRow>> {
        let sql = format!("SELECT {} FROM extract_officials WHERE extract_id = $1", ExtractOfficialsRow::COLUMNS);
        one(self, &sql, &[&extract_id]).await
    }

    /// The last serial used in a book of issued documents or refusals (office, year).
    async fn last_extract_serial(&mut self, outcome: &str, office: &str, year: i64) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(serial), 0) FROM extracts WHERE outcome = $1 AND office_code = $2 AND year = $3";
        Ok(one::<i64, _>(self, sql, &[&outcome, &office, &year]).await?.unwrap_or(0))
    }

    /// An issued document (`issued`) or refusal (`refused`) by its number.
    async fn extract_by_number(&mut self, outcome: &str, office: &str, year: i64, serial: i64) -> Result<Option<ExtractRow>> {
        let sql =
            format!("SELECT {} FROM extracts WHERE outcome = $1 AND office_code = $2 AND year = $3 AND serial = $4", ExtractRow::COLUMNS);
        one(self, &sql, &[&outcome, &office, &year, &serial]).await
    }

    /// Documents issued or refused about a person, newest first, before the id `before`.
    async fn extracts_of(&mut self, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<ExtractRow>> {
        about_person(self, "extracts", jmbg, before, limit).await
    }

    /// Documents an office issued or refused in `[from, to)`, oldest first, at most `limit`.
    async fn extracts_at(&mut self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<ExtractRow>> {
        let sql = format!(
            "SELECT {} FROM extracts WHERE office_code = $1 AND at >= $2 AND at < $3 ORDER BY at, id LIMIT $4",
            ExtractRow::COLUMNS
        );
        all(self, &sql, &[&office, &from, &to, &limit]).await
    }

    async fn revocation(&mut self, extract_id: i64) -> Result<Option<RevocationRow>> {
        one(self, &format!("SELECT {} FROM extract_revocations WHERE extract_id = $1", RevocationRow::COLUMNS), &[&extract_id]).await
    }

    async fn node_keys(&mut self) -> Result<Vec<NodeKeyRow>> {
        all(self, &format!("SELECT {} FROM node_keys ORDER BY id", NodeKeyRow::COLUMNS), &[]).await
    }

    async fn fee_rules(&mut self) -> Result<Vec<FeeRuleRow>> {
        all(self, &format!("SELECT {} FROM fee_rules ORDER BY id", FeeRuleRow::COLUMNS), &[]).await
    }

    /// The number a refusal took in the body's UP-I book, if it took one.
    async fn refusal_record(&mut self, extract_id: i64) -> Result<Option<RefusalRecordRow>> {
        one(self, &format!("SELECT {} FROM refusal_records WHERE extract_id = $1", RefusalRecordRow::COLUMNS), &[&extract_id]).await
    }

    /// The appeal route in force at `at` (the last set at or before it).
    async fn appeal_route_at(&mut self, at: i64) -> Result<Option<AppealRouteRow>> {
        one(self, &format!("SELECT {} FROM appeal_routes WHERE set_at <= $1 ORDER BY id DESC LIMIT 1", AppealRouteRow::COLUMNS), &[&at])
            .await
    }

    /// An order by its tracking code.
    async fn order_by_code(&mut self, code: &str) -> Result<Option<OrderRow>> {
        one(self, &format!("SELECT {} FROM extract_orders WHERE code = $1", OrderRow::COLUMNS), &[&code]).await
    }

    async fn order(&mut self, id: i64) -> Result<Option<OrderRow>> {
        one(self, &format!("SELECT {} FROM extract_orders WHERE id = $1", OrderRow::COLUMNS), &[&id]).await
    }

    /// An office's orders, newest first, before the id `before` when given.
    async fn orders_of_office(&mut self, office: &str, before: Option<i64>, limit: i64) -> Result<Vec<OrderRow>> {
        let sql = format!("SELECT {} FROM extract_orders WHERE office_code = $1 AND id < $2 ORDER BY id DESC LIMIT $3", OrderRow::COLUMNS);
        all(self, &sql, &[&office, &before.unwrap_or(i64::MAX), &limit]).await
    }

    /// The events of these orders, oldest first.
    async fn order_events(&mut self, order_ids: &[i64]) -> Result<Vec<OrderEventRow>> {
        let mut out = Vec::new();
        for chunk in order_ids.chunks(1000) {
            let params: Vec<&dyn Param> = chunk.iter().map(|id| id as &dyn Param).collect();
            let sql = format!(
                "SELECT {} FROM extract_order_events WHERE order_id IN ({}) ORDER BY id",
                OrderEventRow::COLUMNS,
                placeholders(1, chunk.len())
            );
            out.extend(all::<OrderEventRow, _>(self, &sql, &params).await?);
        }
        out.sort_by_key(|e| e.id);
        Ok(out)
    }
}

impl<R: Reads + ?Sized> ExtractReads for R {}
