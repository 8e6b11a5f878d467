-- A logo is an https: URL or a PNG or JPEG as a base64 data: URL (packages/domain/src/settings.ts,
-- logoUrlSchema). The settings took any parseable URL before — `javascript:`, `data:text/html`,
-- `http:` — and a frontend putting it in an <img> or a link would have been handed a script or a
-- page. Such values are cleared, so the firm's or the client's other logo (or none) applies; each
-- removal is a version in the settings' history.
DELETE FROM firm_settings
 WHERE key = 'logoUrl'
   AND NOT (jsonb_typeof(value) = 'string'
            AND length(value #>> '{}') <= 400000
            AND ((value #>> '{}') ~* '^https://'
                 OR (value #>> '{}') ~* '^data:image/(png|jpe?g);base64,[A-Za-z0-9+/=\s]+$'));
--> statement-breakpoint
DELETE FROM tenant_setting_overrides
 WHERE key = 'logoUrl'
   AND NOT (jsonb_typeof(value) = 'string'
            AND length(value #>> '{}') <= 400000
            AND ((value #>> '{}') ~* '^https://'
                 OR (value #>> '{}') ~* '^data:image/(png|jpe?g);base64,[A-Za-z0-9+/=\s]+$'));
