// The SQL of the federation's message log, outbox, deliveries and inbox, shared by both
// backends like `common.rs` (included after it).

const MESSAGE_COLUMNS: &str = "id, at, direction, peer, service, nonce, case_number, status, outcome, request_signature, request_digest, response_signature, response_digest, prev_hash, hash";
const OUTBOX_COLUMNS: &str = "id, subject_jmbg, annotation, cause_entry_id, created_at";
const DELIVERY_COLUMNS: &str = "id, outbox_id, member, status, receipt, at";
const INBOX_COLUMNS: &str = "id, notice_id, member, subject_jmbg, annotation, status, annotation_id, reason, received_at";
const REMOTE_RECORDS_COLUMNS: &str = "id, extract_id, member, municipality, entry_id, position, records, received_at";

fn message_from(r: &DbRow) -> Result<MessageRow> {
    Ok(MessageRow {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        direction: r.try_get("direction")?,
        peer: r.try_get("peer")?,
        service: r.try_get("service")?,
        nonce: r.try_get("nonce")?,
        case_number: r.try_get("case_number")?,
        status: r.try_get("status")?,
        outcome: r.try_get("outcome")?,
        request_signature: r.try_get("request_signature")?,
        request_digest: r.try_get("request_digest")?,
        response_signature: r.try_get("response_signature")?,
        response_digest: r.try_get("response_digest")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

fn remote_records_from(r: &DbRow) -> Result<RemoteRecordsRow> {
    Ok(RemoteRecordsRow {
        id: r.try_get("id")?,
        extract_id: r.try_get("extract_id")?,
        member: r.try_get("member")?,
        municipality: r.try_get("municipality")?,
        entry_id: r.try_get("entry_id")?,
        position: r.try_get("position")?,
        records: r.try_get("records")?,
        received_at: r.try_get("received_at")?,
    })
}

fn outbox_from(r: &DbRow) -> Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.try_get("id")?,
        subject_jmbg: r.try_get("subject_jmbg")?,
        annotation: r.try_get("annotation")?,
        cause_entry_id: r.try_get("cause_entry_id")?,
        created_at: r.try_get("created_at")?,
    })
}

fn delivery_from(r: &DbRow) -> Result<DeliveryRow> {
    Ok(DeliveryRow {
        id: r.try_get("id")?,
        outbox_id: r.try_get("outbox_id")?,
        member: r.try_get("member")?,
        status: r.try_get("status")?,
        receipt: r.try_get("receipt")?,
        at: r.try_get("at")?,
    })
}

fn inbox_from(r: &DbRow) -> Result<InboxRow> {
    Ok(InboxRow {
        id: r.try_get("id")?,
        notice_id: r.try_get("notice_id")?,
        member: r.try_get("member")?,
        subject_jmbg: r.try_get("subject_jmbg")?,
        annotation: r.try_get("annotation")?,
        status: r.try_get("status")?,
        annotation_id: r.try_get("annotation_id")?,
        reason: r.try_get("reason")?,
        received_at: r.try_get("received_at")?,
    })
}
