//! Table definitions shared by both backends (types both SQLite and PostgreSQL support).

diesel::table! {
    organisations (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        path -> Text,
        name -> Text,
        short_name -> Text,
        code -> Text,
        level -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    index_counters (org_id, year) {
        org_id -> BigInt,
        year -> Integer,
        last_serial -> Integer,
    }
}

diesel::table! {
    subjects (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        code -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    sites (id) {
        id -> BigInt,
        org_id -> BigInt,
        slug -> Text,
        title -> Text,
        is_portal -> Bool,
        host -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    site_columns (id) {
        id -> BigInt,
        site_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        slug -> Text,
        name -> Text,
        kind -> Text,
        module -> Nullable<Text>,
        update_days -> Nullable<Integer>,
        link_url -> Nullable<Text>,
        body_html -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
        update_category -> Text,
    }
}

diesel::table! {
    items (id) {
        id -> BigInt,
        site_id -> BigInt,
        org_id -> BigInt,
        index_number -> Nullable<Text>,
        title -> Text,
        summary -> Text,
        body_html -> Text,
        made_on -> Nullable<Date>,
        published_at -> Nullable<Timestamp>,
        published_year -> Nullable<Integer>,
        doc_number -> Nullable<Text>,
        doc_number_key -> Nullable<Text>,
        subject_id -> Nullable<BigInt>,
        genre -> Text,
        keywords -> Text,
        validity -> Text,
        valid_from -> Nullable<Date>,
        invalid_from -> Nullable<Date>,
        disclosure_mode -> Text,
        channels -> Text,
        status -> Text,
        scheduled_at -> Nullable<Timestamp>,
        status_reason -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<BigInt>,
        updated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        welfare_area -> Nullable<Text>,
    }
}

diesel::table! {
    item_columns (item_id, column_id) {
        item_id -> BigInt,
        column_id -> BigInt,
    }
}

diesel::table! {
    item_relations (item_id, related_id, kind) {
        item_id -> BigInt,
        related_id -> BigInt,
        kind -> Text,
    }
}

diesel::table! {
    item_versions (id) {
        id -> BigInt,
        item_id -> BigInt,
        version -> Integer,
        snapshot -> Text,
        change_note -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        content -> Binary,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        item_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        position -> Integer,
        text_content -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        org_id -> BigInt,
        disabled -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    grants (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        org_id -> BigInt,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        org_id -> Nullable<BigInt>,
        summary -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        entity -> Text,
        entity_id -> BigInt,
        op -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    site_error_reports (id) {
        id -> BigInt,
        site_id -> BigInt,
        tracking_code -> Text,
        page_url -> Text,
        category -> Text,
        description -> Text,
        contact -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    write_lock (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::joinable!(index_counters -> organisations (org_id));
diesel::joinable!(sites -> organisations (org_id));
diesel::joinable!(site_columns -> sites (site_id));
diesel::joinable!(items -> organisations (org_id));
diesel::joinable!(items -> sites (site_id));
diesel::joinable!(item_columns -> items (item_id));
diesel::joinable!(item_columns -> site_columns (column_id));
diesel::joinable!(attachments -> items (item_id));
diesel::joinable!(users -> organisations (org_id));
diesel::joinable!(grants -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    index_counters,
    subjects,
    sites,
    site_columns,
    items,
    item_columns,
    item_relations,
    item_versions,
    blobs,
    attachments,
    users,
    grants,
    sessions,
    api_tokens,
    audit_log,
    outbox,
    site_error_reports,
);

// 依申请公开 — requests, their history and appeals (migration 2026-11-24-000003_requests).

diesel::table! {
    disclosure_requests (id) {
        id -> BigInt,
        tracking_code -> Text,
        password_hash -> Text,
        org_id -> BigInt,
        applicant_type -> Text,
        applicant_name -> Text,
        id_type -> Text,
        id_number_enc -> Text,
        id_number_masked -> Text,
        phone_enc -> Text,
        phone_masked -> Text,
        email -> Nullable<Text>,
        address -> Text,
        description -> Text,
        preferred_form -> Text,
        delivery -> Text,
        channel -> Text,
        arrived_on -> Date,
        received_on -> Date,
        stage -> Text,
        state -> Text,
        plan -> Text,
        due_on -> Nullable<Date>,
        deadline_note -> Nullable<Text>,
        handler -> Nullable<Text>,
        outcome -> Nullable<Text>,
        reply_text -> Nullable<Text>,
        answered_on -> Nullable<Date>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        applicant_key -> Nullable<Text>,
        publish_consent -> Bool,
        fee_fen -> Nullable<BigInt>,
        fee_note -> Nullable<Text>,
        published_item_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    request_events (id) {
        id -> BigInt,
        request_id -> BigInt,
        kind -> Text,
        on_date -> Date,
        detail -> Text,
        actor -> Text,
        actor_id -> Nullable<BigInt>,
        at -> Timestamp,
    }
}

diesel::table! {
    request_appeals (id) {
        id -> BigInt,
        request_id -> BigInt,
        kind -> Text,
        filed_on -> Date,
        body -> Text,
        outcome -> Text,
        decided_on -> Nullable<Date>,
        note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(disclosure_requests -> organisations (org_id));
diesel::joinable!(request_events -> disclosure_requests (request_id));
diesel::joinable!(request_appeals -> disclosure_requests (request_id));
// `organisations` and `users` already appear together in the call above; a second pair of them
// here would be a conflicting impl, so `users` is left out (no request query joins users).
diesel::allow_tables_to_appear_in_same_query!(
    disclosure_requests,
    request_events,
    request_appeals,
    organisations
);

// Files of press conferences and interviews (migration 2026-11-24-000013_event_files); the
// `interviews` table itself is declared in `interview.rs`.

diesel::table! {
    interview_files (id) {
        id -> BigInt,
        interview_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}
// 重大项目, 社会公益事业, 办事指南 (migration 2026-11-24-000015_projects_welfare_guides).

diesel::table! {
    major_projects (id) {
        id -> BigInt,
        name -> Text,
        code -> Text,
        org_id -> BigInt,
        summary -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    major_project_items (project_id, item_id, kind) {
        project_id -> BigInt,
        item_id -> BigInt,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_guides (id) {
        id -> BigInt,
        org_id -> BigInt,
        name -> Text,
        theme -> Text,
        basis -> Text,
        conditions -> Text,
        materials -> Text,
        procedure_text -> Text,
        time_limit -> Text,
        fee -> Text,
        place_hours -> Text,
        phone -> Text,
        online_url -> Text,
        published_at -> Timestamp,
        published_year -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(major_project_items -> major_projects (project_id));
diesel::joinable!(major_project_items -> items (item_id));
diesel::allow_tables_to_appear_in_same_query!(major_projects, major_project_items, items);

// 政府公报, 办件查询 and 两微一端 accounts (migration 2026-11-24-000016_gazette_cases).

diesel::table! {
    gazette_issues (id) {
        id -> BigInt,
        year -> Integer,
        number -> Integer,
        issued_on -> Date,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    gazette_entries (issue_id, item_id) {
        issue_id -> BigInt,
        item_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(gazette_entries -> gazette_issues (issue_id));
diesel::joinable!(gazette_entries -> items (item_id));
diesel::allow_tables_to_appear_in_same_query!(gazette_issues, gazette_entries, items);

diesel::table! {
    service_cases (id) {
        id -> BigInt,
        case_number -> Text,
        service_name -> Text,
        org_id -> BigInt,
        status -> Text,
        received_on -> Date,
        due_on -> Nullable<Date>,
        completed_on -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    media_accounts (id) {
        id -> BigInt,
        org_id -> BigInt,
        platform -> Text,
        name -> Text,
        url -> Text,
        last_updated_on -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
