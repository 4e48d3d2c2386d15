// vitest's inject() keys that @dal/testkit's global setup provides (dalAdminUrl...): the type augmentation lives in
// testkit and reaches these tests only through an import of it; a type-only import loads nothing at run time
import type {} from '@dal/testkit';
