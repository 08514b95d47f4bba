//! Every error code the node answers with, in one table: the code (stable, machine-readable;
//! it doubles as the key of its message, `err-` and the code with dashes, in every language)
//! and the kind of problem it names, which the HTTP interface turns into a status. A code
//! not in the table is a bug: the web crate's tests fail on it, and a test there checks that
//! every code has its message in every language.

/// What kind of problem an error code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The request is well-formed but refused by a rule (422).
    Invalid,
    /// The request itself is malformed: a parameter, a cursor, the body (400).
    BadRequest,
    /// Who is asking is not known (401).
    Unauthenticated,
    /// The asker may not do this (403).
    Forbidden,
    /// What was asked for does not exist here (404).
    NotFound,
    /// It existed and was destroyed (410).
    Gone,
    /// The body is too large (413).
    TooLarge,
    /// The node cannot serve this now or is not set up for it (503).
    Unavailable,
    /// The node's storage is full: nothing can be written until space is freed (507).
    InsufficientStorage,
    /// The node failed; the cause is in the operator's log (500).
    Internal,
}

/// An error code and the kind of problem it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub problem: Problem,
}

/// Every code, in alphabetical order.
pub const CODES: &[Code] = &[
    Code { code: "access.purpose.invalid", problem: Problem::BadRequest },
    Code { code: "access.purpose.required", problem: Problem::BadRequest },
    Code { code: "admin.appeal.body_unclear", problem: Problem::Invalid },
    Code { code: "admin.appeal.days_invalid", problem: Problem::Invalid },
    Code { code: "admin.code.invalid", problem: Problem::Invalid },
    Code { code: "admin.fee.negative", problem: Problem::Invalid },
    Code { code: "admin.jmbg_block.basis_required", problem: Problem::Invalid },
    Code { code: "admin.node.exists", problem: Problem::Invalid },
    Code { code: "admin.office.exists", problem: Problem::Invalid },
    Code { code: "admin.office.not_allowed", problem: Problem::Invalid },
    Code { code: "admin.office.required", problem: Problem::Invalid },
    Code { code: "admin.office.unknown", problem: Problem::Invalid },
    Code { code: "admin.region.invalid", problem: Problem::Invalid },
    Code { code: "admin.settlement.exists", problem: Problem::Invalid },
    Code { code: "admin.settlement.name_required", problem: Problem::Invalid },
    Code { code: "admin.user.name_required", problem: Problem::Invalid },
    Code { code: "admin.user.self_change", problem: Problem::Invalid },
    Code { code: "admin.user.unknown", problem: Problem::Invalid },
    Code { code: "admin.username.invalid", problem: Problem::Invalid },
    Code { code: "admin.username.taken", problem: Problem::Invalid },
    Code { code: "archive.answer.before", problem: Problem::Invalid },
    Code { code: "archive.answer.future", problem: Problem::Invalid },
    Code { code: "archive.case.archived", problem: Problem::Invalid },
    Code { code: "archive.case.open", problem: Problem::Invalid },
    Code { code: "archive.cases.empty", problem: Problem::Invalid },
    Code { code: "archive.destroyed", problem: Problem::Gone },
    Code { code: "archive.disposal.not_approved", problem: Problem::Invalid },
    Code { code: "archive.disposal.not_found", problem: Problem::NotFound },
    Code { code: "archive.disposal.nothing", problem: Problem::Invalid },
    Code { code: "archive.disposal.transition", problem: Problem::Invalid },
    Code { code: "archive.entry.destroyed", problem: Problem::Invalid },
    Code { code: "archive.entry.permanent", problem: Problem::Invalid },
    Code { code: "archive.entry.retention", problem: Problem::Invalid },
    Code { code: "archive.hold", problem: Problem::Invalid },
    Code { code: "archive.hold.state", problem: Problem::Invalid },
    Code { code: "archive.permission", problem: Problem::Forbidden },
    Code { code: "auth.forbidden", problem: Problem::Forbidden },
    Code { code: "auth.office_required", problem: Problem::Forbidden },
    Code { code: "auth.office_unknown", problem: Problem::Forbidden },
    Code { code: "auth.password.hash", problem: Problem::Internal },
    Code { code: "auth.password.too_long", problem: Problem::Invalid },
    Code { code: "auth.password.too_short", problem: Problem::Invalid },
    Code { code: "auth.token.invalid", problem: Problem::Unauthenticated },
    Code { code: "auth.token.missing", problem: Problem::Unauthenticated },
    Code { code: "citizen.account_unknown", problem: Problem::NotFound },
    Code { code: "citizen.document_required", problem: Problem::Invalid },
    Code { code: "citizen.email_invalid", problem: Problem::Invalid },
    Code { code: "citizen.email_taken", problem: Problem::Invalid },
    Code { code: "citizen.link_invalid", problem: Problem::NotFound },
    Code { code: "citizen.name_required", problem: Problem::Invalid },
    Code { code: "citizen.person_unknown", problem: Problem::Invalid },
    Code { code: "docflow.appeal.against", problem: Problem::Invalid },
    Code { code: "docflow.appeal.kind", problem: Problem::Invalid },
    Code { code: "docflow.attachment.empty", problem: Problem::Invalid },
    Code { code: "docflow.attachment.name", problem: Problem::Invalid },
    Code { code: "docflow.attachment.not_found", problem: Problem::NotFound },
    Code { code: "docflow.attachment.record", problem: Problem::Invalid },
    Code { code: "docflow.attachment.replaces", problem: Problem::Invalid },
    Code { code: "docflow.attachment.too_large", problem: Problem::TooLarge },
    Code { code: "docflow.case.closed", problem: Problem::Invalid },
    Code { code: "docflow.case.not_found", problem: Problem::NotFound },
    Code { code: "docflow.case.other_unit", problem: Problem::Forbidden },
    Code { code: "docflow.case.read_only", problem: Problem::Forbidden },
    Code { code: "docflow.case.transition", problem: Problem::Invalid },
    Code { code: "docflow.case_type.invalid", problem: Problem::Invalid },
    Code { code: "docflow.case_type.unknown", problem: Problem::Invalid },
    Code { code: "docflow.channel.unknown", problem: Problem::Invalid },
    Code { code: "docflow.class.invalid", problem: Problem::Invalid },
    Code { code: "docflow.class.unknown", problem: Problem::Invalid },
    Code { code: "docflow.delivered_on.range", problem: Problem::Invalid },
    Code { code: "docflow.direction.unknown", problem: Problem::Invalid },
    Code { code: "docflow.documents.unavailable", problem: Problem::Unavailable },
    Code { code: "docflow.field.required", problem: Problem::Invalid },
    Code { code: "docflow.join.target", problem: Problem::Invalid },
    Code { code: "docflow.official.unit", problem: Problem::Invalid },
    Code { code: "docflow.pattern.invalid", problem: Problem::Invalid },
    Code { code: "docflow.pattern.unset", problem: Problem::Invalid },
    Code { code: "docflow.permission", problem: Problem::Forbidden },
    Code { code: "docflow.portal.kind", problem: Problem::Invalid },
    Code { code: "docflow.portal.unverified", problem: Problem::Invalid },
    Code { code: "docflow.received_on.future", problem: Problem::Invalid },
    Code { code: "docflow.record.corrects", problem: Problem::Invalid },
    Code { code: "docflow.staff.user", problem: Problem::Invalid },
    Code { code: "docflow.track.not_found", problem: Problem::NotFound },
    Code { code: "docflow.unit.invalid", problem: Problem::Invalid },
    Code { code: "docflow.unit.unknown", problem: Problem::Invalid },
    Code { code: "docflow.unit.unplaced", problem: Problem::Forbidden },
    Code { code: "extract.already_revoked", problem: Problem::Invalid },
    Code { code: "extract.citizenship_lost", problem: Problem::Invalid },
    Code { code: "extract.entry_not_found", problem: Problem::NotFound },
    Code { code: "extract.evidence_required", problem: Problem::Invalid },
    Code { code: "extract.no_entry", problem: Problem::Invalid },
    Code { code: "extract.no_legal_relation", problem: Problem::Forbidden },
    Code { code: "extract.no_signing_key", problem: Problem::Unavailable },
    Code { code: "extract.not_found", problem: Problem::NotFound },
    Code { code: "extract.number.invalid", problem: Problem::BadRequest },
    Code { code: "extract.person_deceased", problem: Problem::Invalid },
    Code { code: "extract.person_married", problem: Problem::Invalid },
    Code { code: "extract.person_unknown", problem: Problem::NotFound },
    Code { code: "extract.purpose_required", problem: Problem::Invalid },
    Code { code: "extract.refusal_not_found", problem: Problem::NotFound },
    Code { code: "extract.relation_not_confirmed", problem: Problem::Forbidden },
    Code { code: "extract.requester_deceased", problem: Problem::Invalid },
    Code { code: "extract.requester_identity_required", problem: Problem::Invalid },
    Code { code: "extract.requester_jmbg_required", problem: Problem::Invalid },
    Code { code: "extract.requester_name_required", problem: Problem::Invalid },
    Code { code: "extract.revocation.reason_required", problem: Problem::Invalid },
    Code { code: "federation.bad_address", problem: Problem::Internal },
    Code { code: "federation.bad_body", problem: Problem::BadRequest },
    Code { code: "federation.bad_jmbg", problem: Problem::BadRequest },
    Code { code: "federation.bad_signature", problem: Problem::Unauthenticated },
    Code { code: "federation.context_incomplete", problem: Problem::Forbidden },
    Code { code: "federation.context_mismatch", problem: Problem::Forbidden },
    Code { code: "federation.header_too_large", problem: Problem::TooLarge },
    Code { code: "federation.http", problem: Problem::Internal },
    Code { code: "federation.internal", problem: Problem::Internal },
    Code { code: "federation.malformed", problem: Problem::Internal },
    Code { code: "federation.no_directory", problem: Problem::Unavailable },
    Code { code: "federation.no_legal_basis", problem: Problem::Forbidden },
    Code { code: "federation.not_held", problem: Problem::NotFound },
    Code { code: "federation.not_offered", problem: Problem::Unavailable },
    Code { code: "federation.off", problem: Problem::NotFound },
    Code { code: "federation.rate_limited", problem: Problem::Unavailable },
    Code { code: "federation.refused", problem: Problem::Internal },
    Code { code: "federation.timeout", problem: Problem::Unavailable },
    Code { code: "federation.unauthenticated", problem: Problem::Unauthenticated },
    Code { code: "federation.unknown_service", problem: Problem::NotFound },
    Code { code: "federation.unreachable", problem: Problem::Unavailable },
    Code { code: "import.changed", problem: Problem::Invalid },
    Code { code: "import.failed", problem: Problem::Invalid },
    Code { code: "import.file.unreadable", problem: Problem::Invalid },
    Code { code: "import.json.invalid", problem: Problem::Invalid },
    Code { code: "import.json.syntax", problem: Problem::Invalid },
    Code { code: "import.line.encoding", problem: Problem::Invalid },
    Code { code: "import.line.unwritable", problem: Problem::Invalid },
    Code { code: "import.marriage.before_birth", problem: Problem::Invalid },
    Code { code: "import.number.duplicate", problem: Problem::Invalid },
    Code { code: "import.number.invalid", problem: Problem::Invalid },
    Code { code: "import.number.taken", problem: Problem::Invalid },
    Code { code: "import.office.unknown", problem: Problem::Invalid },
    Code { code: "import.person.duplicate", problem: Problem::Invalid },
    Code { code: "import.person.registered", problem: Problem::Invalid },
    Code { code: "import.rejects.exists", problem: Problem::Invalid },
    Code { code: "import.rejects.is_input", problem: Problem::Invalid },
    Code { code: "import.year.invalid", problem: Problem::Invalid },
    Code { code: "internal", problem: Problem::Internal },
    Code { code: "invalid", problem: Problem::Invalid },
    Code { code: "jmbg.check_digit_ten", problem: Problem::Invalid },
    Code { code: "jmbg.checksum", problem: Problem::Invalid },
    Code { code: "jmbg.date", problem: Problem::Invalid },
    Code { code: "jmbg.digits", problem: Problem::Invalid },
    Code { code: "jmbg.length", problem: Problem::Invalid },
    Code { code: "order.address_required", problem: Problem::Invalid },
    Code { code: "order.corrupt", problem: Problem::Invalid },
    Code { code: "order.delivery_required", problem: Problem::Invalid },
    Code { code: "order.kind_required", problem: Problem::Invalid },
    Code { code: "order.language_required", problem: Problem::Invalid },
    Code { code: "order.not_found", problem: Problem::NotFound },
    Code { code: "order.office_required", problem: Problem::Invalid },
    Code { code: "order.other_office", problem: Problem::Invalid },
    Code { code: "order.relation_required", problem: Problem::Invalid },
    Code { code: "order.script_required", problem: Problem::Invalid },
    Code { code: "order.step_not_allowed", problem: Problem::Invalid },
    Code { code: "order.subject_name_required", problem: Problem::Invalid },
    Code { code: "registry.adoption.no_parent", problem: Problem::Invalid },
    Code { code: "registry.annotation.before_event", problem: Problem::Invalid },
    Code { code: "registry.annotation.empty", problem: Problem::Invalid },
    Code { code: "registry.annotation.not_allowed", problem: Problem::Invalid },
    Code { code: "registry.annotation.use_command", problem: Problem::Invalid },
    Code { code: "registry.birth.date_in_future", problem: Problem::Invalid },
    Code { code: "registry.birth.elsewhere", problem: Problem::Invalid },
    Code { code: "registry.birth.late", problem: Problem::Invalid },
    Code { code: "registry.citizenship.already_registered", problem: Problem::Invalid },
    Code { code: "registry.citizenship.before_birth", problem: Problem::Invalid },
    Code { code: "registry.citizenship.not_held", problem: Problem::Invalid },
    Code { code: "registry.correction.field_protected", problem: Problem::Invalid },
    Code { code: "registry.correction.old_value_mismatch", problem: Problem::Invalid },
    Code { code: "registry.correction.unchanged", problem: Problem::Invalid },
    Code { code: "registry.correction.unknown_field", problem: Problem::Invalid },
    Code { code: "registry.date.in_future", problem: Problem::Invalid },
    Code { code: "registry.date.too_early", problem: Problem::Invalid },
    Code { code: "registry.death.already_registered", problem: Problem::Invalid },
    Code { code: "registry.death.before_birth", problem: Problem::Invalid },
    Code { code: "registry.death.elsewhere", problem: Problem::Invalid },
    Code { code: "registry.death.late", problem: Problem::Invalid },
    Code { code: "registry.divorce.before_marriage", problem: Problem::Invalid },
    Code { code: "registry.entry.not_found", problem: Problem::NotFound },
    Code { code: "registry.entry.wrong_register", problem: Problem::Invalid },
    Code { code: "registry.father.deceased", problem: Problem::Invalid },
    Code { code: "registry.father.too_young", problem: Problem::Invalid },
    Code { code: "registry.field.control_character", problem: Problem::Invalid },
    Code { code: "registry.field.markup", problem: Problem::Invalid },
    Code { code: "registry.field.required", problem: Problem::Invalid },
    Code { code: "registry.field.too_long", problem: Problem::Invalid },
    Code { code: "registry.invalid", problem: Problem::Invalid },
    Code { code: "registry.jmbg.block_invalid", problem: Problem::Invalid },
    Code { code: "registry.jmbg.date_mismatch", problem: Problem::Invalid },
    Code { code: "registry.jmbg.exhausted", problem: Problem::Invalid },
    Code { code: "registry.jmbg.sex_mismatch", problem: Problem::Invalid },
    Code { code: "registry.legal_basis.act_not_for_this", problem: Problem::Invalid },
    Code { code: "registry.legal_basis.after_effect", problem: Problem::Invalid },
    Code { code: "registry.legal_basis.before_event", problem: Problem::Invalid },
    Code { code: "registry.legal_basis.issuer_unclear", problem: Problem::Invalid },
    Code { code: "registry.legal_basis.number_unclear", problem: Problem::Invalid },
    Code { code: "registry.legal_basis.unknown_act", problem: Problem::Invalid },
    Code { code: "registry.marriage.already_ended", problem: Problem::Invalid },
    Code { code: "registry.marriage.already_married", problem: Problem::Invalid },
    Code { code: "registry.marriage.not_found", problem: Problem::Invalid },
    Code { code: "registry.marriage.same_person", problem: Problem::Invalid },
    Code { code: "registry.marriage.same_sex", problem: Problem::Invalid },
    Code { code: "registry.marriage.underage", problem: Problem::Invalid },
    Code { code: "registry.marriage.witnesses", problem: Problem::Invalid },
    Code { code: "registry.mother.deceased", problem: Problem::Invalid },
    Code { code: "registry.mother.too_young", problem: Problem::Invalid },
    Code { code: "registry.name.empty", problem: Problem::Invalid },
    Code { code: "registry.name.invalid_character", problem: Problem::Invalid },
    Code { code: "registry.name.too_long", problem: Problem::Invalid },
    Code { code: "registry.parents.same_person", problem: Problem::Invalid },
    Code { code: "registry.person.deceased", problem: Problem::Invalid },
    Code { code: "registry.person.not_found", problem: Problem::NotFound },
    Code { code: "registry.person.unknown", problem: Problem::Invalid },
    Code { code: "registry.registered_on.before_event", problem: Problem::Invalid },
    Code { code: "request.body", problem: Problem::BadRequest },
    Code { code: "request.body.unreadable", problem: Problem::TooLarge },
    Code { code: "request.cursor", problem: Problem::BadRequest },
    Code { code: "request.json.invalid", problem: Problem::BadRequest },
    Code { code: "request.json.syntax", problem: Problem::BadRequest },
    Code { code: "request.method.not_allowed", problem: Problem::BadRequest },
    Code { code: "request.not_found", problem: Problem::NotFound },
    Code { code: "request.path.invalid", problem: Problem::BadRequest },
    Code { code: "request.query.invalid", problem: Problem::BadRequest },
    Code { code: "search.query.empty", problem: Problem::BadRequest },
    Code { code: "storage.failed", problem: Problem::Unavailable },
    Code { code: "storage.full", problem: Problem::InsufficientStorage },
    Code { code: "store.concurrent", problem: Problem::Internal },
    Code { code: "store.corrupt", problem: Problem::Internal },
    Code { code: "store.database", problem: Problem::Internal },
    Code { code: "store.files", problem: Problem::Internal },
    Code { code: "store.migration.changed", problem: Problem::Internal },
    Code { code: "store.migration.failed", problem: Problem::Internal },
    Code { code: "store.migration.unknown", problem: Problem::Internal },
    Code { code: "store.not_initialised", problem: Problem::Unavailable },
    Code { code: "store.url.unsupported", problem: Problem::Internal },
    Code { code: "store.writer_stopped", problem: Problem::Unavailable },
];

/// The kind of problem a code names; `None` for a code not in the table.
pub fn problem(code: &str) -> Option<Problem> {
    CODES.binary_search_by(|c| c.code.cmp(code)).ok().map(|i| CODES[i].problem)
}

/// The key of a code's message in the message files: `docflow.case.not_found` →
/// `err-docflow-case-not-found`.
pub fn message_key(code: &str) -> String {
    format!("err-{}", code.replace(['.', '_'], "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_without_repeats_so_it_can_be_searched() {
        assert!(CODES.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn a_code_names_its_problem_and_message() {
        assert_eq!(problem("docflow.case.not_found"), Some(Problem::NotFound));
        assert_eq!(problem("archive.destroyed"), Some(Problem::Gone));
        assert_eq!(problem("no.such.code"), None);
        assert_eq!(message_key("docflow.case.not_found"), "err-docflow-case-not-found");
    }

    #[test]
    fn the_jmbg_codes_are_in_the_table() {
        for code in crate::jmbg::CODES {
            assert!(problem(code).is_some(), "{code}");
        }
    }
}
