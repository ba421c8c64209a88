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

diesel::joinable!(index_counters -> organisations (org_id));
diesel::allow_tables_to_appear_in_same_query!(organisations, index_counters);
