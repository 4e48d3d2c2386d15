import { Account } from './account';
import { Customer } from './customer';
import { Order } from './order';
import { OrderItem } from './order-item';
import { Product } from './product';
import { Transfer } from './transfer';

export { Account, Customer, Order, OrderItem, Product, Transfer };

/** Every entity of schema/, one per table. */
export const ENTITIES = [Customer, Product, Order, OrderItem, Account, Transfer];
