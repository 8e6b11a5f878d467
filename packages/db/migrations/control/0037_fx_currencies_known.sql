-- The daily refresh's currencies (setting fxCurrencies) are ISO 4217 codes the system knows
-- (packages/domain/src/settings.ts): "ZZZ" was taken by the shape alone and left the refresh
-- retrying for a currency no provider quotes. Codes stored before that are not in `currencies` are
-- dropped from the lists (each change a version in the settings' history), so reading the settings
-- never meets a value the rule refuses.
UPDATE firm_settings s
   SET value = coalesce((SELECT jsonb_agg(c ORDER BY o)
                           FROM jsonb_array_elements_text(s.value) WITH ORDINALITY AS e(c, o)
                          WHERE c IN (SELECT code FROM currencies)), '[]'::jsonb)
 WHERE key = 'fxCurrencies'
   AND jsonb_typeof(value) = 'array'
   AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.value) c WHERE c NOT IN (SELECT code FROM currencies));
--> statement-breakpoint
UPDATE tenant_setting_overrides s
   SET value = coalesce((SELECT jsonb_agg(c ORDER BY o)
                           FROM jsonb_array_elements_text(s.value) WITH ORDINALITY AS e(c, o)
                          WHERE c IN (SELECT code FROM currencies)), '[]'::jsonb)
 WHERE key = 'fxCurrencies'
   AND jsonb_typeof(value) = 'array'
   AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.value) c WHERE c NOT IN (SELECT code FROM currencies));
