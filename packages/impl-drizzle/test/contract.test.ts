import { describeShopContract } from '@dal/testkit';
import { createRepository, meta } from '../src/index';
import { knownGaps } from './known-gaps';

describeShopContract(meta, createRepository, { knownGaps });
