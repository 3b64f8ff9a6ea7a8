// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { L1Block } from "./L1Block.sol";

/// @title GasPriceOracle
/// @notice L2 predeploy at 0x420000000000000000000000000000000000000F: the L1 data fee of an L2 transaction, as the
///         OP Stack GasPriceOracle answers on a chain at Ecotone (and not Fjord), over the values in `L1Block`
///         (0x4200…0015). For the unsigned RLP transaction `_data`:
///         `l1GasUsed = zeroBytes * 4 + nonZeroBytes * 16 + 68 * 16` (68 bytes stand for the missing signature),
///         `l1Fee = l1GasUsed * (16 * baseFeeScalar * l1BaseFee + blobBaseFeeScalar * blobBaseFee) / (16 * 10^6)`.
///         The node charges the same formula over the signed transaction's bytes, without the 68-byte padding
///         (op-geth `newL1CostFuncEcotone`).
///
///         Mach runs Ecotone from genesis, so the fork flags OP keeps in storage (set once by the depositor at the
///         upgrade block) are constants here and the contract needs no genesis storage: `isEcotone` true, `isFjord`,
///         `isIsthmus`, `isJovian` false. As in OP on such a chain, the legacy `overhead()`/`scalar()` and the
///         Fjord-only `getL1FeeUpperBound` revert, and `getOperatorFee` is 0 (Mach charges no operator fee, and
///         viem's `estimateTotalFee` adds what this returns).
contract GasPriceOracle {
    uint256 public constant DECIMALS = 6;
    L1Block internal constant L1_BLOCK = L1Block(0x4200000000000000000000000000000000000015);

    function version() external pure returns (string memory) {
        return "1.4.0";
    }

    function getL1Fee(bytes memory _data) external view returns (uint256) {
        uint256 l1GasUsed = _calldataGas(_data);
        uint256 scaledBaseFee = uint256(L1_BLOCK.baseFeeScalar()) * 16 * L1_BLOCK.basefee();
        uint256 scaledBlobBaseFee = uint256(L1_BLOCK.blobBaseFeeScalar()) * L1_BLOCK.blobBaseFee();
        return (l1GasUsed * (scaledBaseFee + scaledBlobBaseFee)) / (16 * 10 ** DECIMALS);
    }

    function getL1GasUsed(bytes memory _data) external pure returns (uint256) {
        return _calldataGas(_data);
    }

    function getL1FeeUpperBound(uint256) external pure returns (uint256) {
        revert("GasPriceOracle: getL1FeeUpperBound only supports Fjord");
    }

    function getOperatorFee(uint256) external pure returns (uint256) {
        return 0;
    }

    function gasPrice() external view returns (uint256) {
        return block.basefee;
    }

    function baseFee() external view returns (uint256) {
        return block.basefee;
    }

    function overhead() external pure returns (uint256) {
        revert("GasPriceOracle: overhead() is deprecated");
    }

    function scalar() external pure returns (uint256) {
        revert("GasPriceOracle: scalar() is deprecated");
    }

    function l1BaseFee() external view returns (uint256) {
        return L1_BLOCK.basefee();
    }

    function blobBaseFee() external view returns (uint256) {
        return L1_BLOCK.blobBaseFee();
    }

    function baseFeeScalar() external view returns (uint32) {
        return L1_BLOCK.baseFeeScalar();
    }

    function blobBaseFeeScalar() external view returns (uint32) {
        return L1_BLOCK.blobBaseFeeScalar();
    }

    function decimals() external pure returns (uint256) {
        return DECIMALS;
    }

    function isEcotone() external pure returns (bool) {
        return true;
    }

    function isFjord() external pure returns (bool) {
        return false;
    }

    function isIsthmus() external pure returns (bool) {
        return false;
    }

    function isJovian() external pure returns (bool) {
        return false;
    }

    function _calldataGas(bytes memory _data) internal pure returns (uint256 gas_) {
        for (uint256 i = 0; i < _data.length; i++) {
            gas_ += _data[i] == 0 ? 4 : 16;
        }
        gas_ += 68 * 16;
    }
}
