//! A closed vocabulary: an enum with a stable code (stored, used in URLs) and a Chinese label,
//! parsed from either. Most of the domain's small enums are this, so it is written once.

/// Declares a vocabulary enum with `ALL`, `as_str`, `label_zh`, `Display` and `FromStr`
/// (accepting the code or the label; errors name `$field`).
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $code:literal, $zh:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Stable code stored in the database and used in URLs.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// The term shown to the public.
            pub fn label_zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::DomainError;
            /// Accepts the stable code or the Chinese label.
            fn from_str(s: &str) -> ::std::result::Result<Self, $crate::DomainError> {
                let s = s.trim();
                $name::ALL.iter().copied()
                    .find(|v| v.as_str() == s || v.label_zh() == s)
                    .ok_or_else(|| $crate::DomainError::invalid($field, format!("unknown value {s:?}")))
            }
        }
    };
}
