import { databaseTestConfig } from '@dal/testkit/vitest-config';

export default databaseTestConfig;
